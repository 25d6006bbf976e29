// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Parley",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "parleyd", targets: ["parleyd"]),
        .executable(name: "parley", targets: ["parley"]),
        .executable(name: "parley-bench", targets: ["parley-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // Wire format shared by server and client: messages, error codes, texts, framing.
        .target(name: "ParleyProtocol"),
        // The chat itself, free of I/O: inputs and a clock in, effects out.
        .target(name: "ParleyCore", dependencies: ["ParleyProtocol"]),
        // Durable storage of the core's state (SQLite through GRDB).
        .target(
            name: "ParleyStore",
            dependencies: [
                "ParleyCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // The store in PostgreSQL (postgres-nio), for operators who keep their data in a database server.
        .target(
            name: "ParleyPostgres",
            dependencies: [
                "ParleyCore", "ParleyStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // What every ChatStore must do, checked once for each store by its tests.
        .target(name: "ParleyStoreContract", dependencies: ["ParleyCore", "ParleyStore"]),
        // TLS for both ends: certificates, fingerprints, trust on first use.
        .target(
            name: "ParleyTLS",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Length-limited line framing shared by the server and the client.
        .target(name: "ParleyFraming", dependencies: [.product(name: "NIOCore", package: "swift-nio")]),
        // End-to-end sealing of private sessions (X25519, HKDF, ChaChaPoly), shared by every client.
        .target(name: "ParleyE2E", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // The server's hand-written JSON for its most frequent frames, byte for byte what WireCodec does.
        .target(
            name: "ParleyServerWire",
            dependencies: ["ParleyProtocol", .product(name: "NIOCore", package: "swift-nio")]
        ),
        // SwiftNIO transport and the bridge from connections to the core.
        .target(
            name: "ParleyServer",
            dependencies: [
                "ParleyProtocol", "ParleyCore", "ParleyStore", "ParleyPostgres", "ParleyTLS", "ParleyFraming",
                "ParleyServerWire", "ParleyProcess",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Child processes started with posix_spawn, what a signal was set to at start, and the C library's
        // functions Swift's Glibc module leaves out: for the tests, the bench, the server and both binaries.
        .target(name: "ParleyProcess"),
        // Real servers for tests: options over the shipped defaults, temporary directories.
        .target(
            name: "ParleyTesting",
            dependencies: [
                "ParleyServer", "ParleyCore", "ParleyStore", "ParleyProcess", "ParleyPostgres",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "parleyd",
            dependencies: [
                "ParleyServer", "ParleyCore", "ParleyProcess", "ParleyPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Client library: connection, command table, rendering, private sessions.
        .target(
            name: "ParleyClient",
            dependencies: [
                "ParleyProtocol", "ParleyTLS", "ParleyE2E", "ParleyFraming",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
            ]
        ),
        // Raw-mode terminal line editor for the client.
        .target(name: "ParleyTerminal", dependencies: ["ParleyProcess"]),
        .executableTarget(
            name: "parley",
            dependencies: [
                "ParleyClient", "ParleyTerminal", "ParleyProcess",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // libFuzzer target for the request decoder, the core, the server's hand-written wire code, and the
        // client's command parser, peer-frame decoder and line editor (built with -sanitize=fuzzer by .ci/fuzz).
        .executableTarget(
            name: "parley-fuzz",
            dependencies: [
                "ParleyProtocol", "ParleyCore", "ParleyClient", "ParleyE2E", "ParleyServerWire", "ParleyFraming",
                "ParleyTerminal", .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "ParleyServerWireTests",
            dependencies: ["ParleyServerWire", "ParleyProtocol", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .testTarget(name: "ParleyE2ETests", dependencies: ["ParleyE2E"]),
        .testTarget(name: "ParleyProtocolTests", dependencies: ["ParleyProtocol"]),
        .testTarget(name: "ParleyCoreTests", dependencies: ["ParleyCore", "ParleyProtocol"]),
        .testTarget(
            name: "ParleyStoreTests",
            dependencies: [
                "ParleyStore", "ParleyCore", "ParleyStoreContract", .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // The PostgreSQL store against a real server (PARLEY_TEST_POSTGRES, started by .ci/postgres).
        .testTarget(
            name: "ParleyPostgresTests",
            dependencies: [
                "ParleyPostgres", "ParleyStore", "ParleyCore", "ParleyTesting", "ParleyStoreContract",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ParleyServerTests",
            dependencies: [
                "ParleyServer", "ParleyStore", "ParleyProtocol", "ParleyCore", "ParleyTLS", "ParleyFraming",
                "ParleyTesting",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Runs the shipped binaries as child processes.
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["parleyd", "parley-fuzz", "ParleyProtocol", "ParleyProcess", "ParleyTesting"]
        ),
        // The client library alone, against an in-process server, and the built binaries under a terminal.
        .testTarget(
            name: "ParleyClientTests",
            dependencies: [
                "ParleyClient", "ParleyProtocol", "ParleyServer", "ParleyStore", "ParleyCore", "ParleyTLS", "ParleyE2E",
                "ParleyFraming",
                "ParleyTesting", "ParleyProcess", "parley", "parleyd",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(name: "ParleyTerminalTests", dependencies: ["ParleyTerminal"]),
        // Load generation for parley-bench: scenarios, Parley and IRC drivers, latency histograms, /proc readers.
        .target(
            name: "ParleyBench",
            dependencies: [
                "ParleyProcess",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        .executableTarget(
            name: "parley-bench",
            dependencies: [
                "ParleyBench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Runs every bench scenario briefly against an in-process server, so the instrument cannot rot.
        .testTarget(
            name: "ParleyBenchTests",
            dependencies: [
                "ParleyBench", "ParleyServer", "ParleyStore", "ParleyTesting", "parley-bench",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
