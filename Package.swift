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
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
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
        // SwiftNIO transport and the bridge from connections to the core.
        .target(
            name: "ParleyServer",
            dependencies: [
                "ParleyProtocol", "ParleyCore", "ParleyStore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "parleyd",
            dependencies: [
                "ParleyServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Client library: connection, command table, rendering, private sessions.
        .target(
            name: "ParleyClient",
            dependencies: [
                "ParleyProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // Raw-mode terminal line editor for the client.
        .target(name: "ParleyTerminal"),
        .executableTarget(
            name: "parley",
            dependencies: [
                "ParleyClient", "ParleyTerminal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "ParleyProtocolTests", dependencies: ["ParleyProtocol"]),
        .testTarget(name: "ParleyCoreTests", dependencies: ["ParleyCore", "ParleyProtocol"]),
        .testTarget(name: "ParleyStoreTests", dependencies: ["ParleyStore", "ParleyCore"]),
        .testTarget(
            name: "ParleyServerTests",
            dependencies: [
                "ParleyServer", "ParleyStore", "ParleyProtocol", "ParleyCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Runs the shipped binaries as child processes.
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["parleyd", "ParleyProtocol"]
        ),
        // Load generation for parley-bench: scenarios, Parley and IRC drivers, latency histograms, /proc readers.
        .target(
            name: "ParleyBench",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
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
                "ParleyBench", "ParleyServer", "ParleyStore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
