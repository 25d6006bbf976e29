import Foundation
import Logging
import ParleyCore
import ParleyServer
import ParleyStore

/// How a server started by tests differs from the shipped defaults: an ephemeral port on loopback, a
/// database in its own temporary directory, cheap password hashing and quiet logs; everything else as
/// shipped unless a test says otherwise. Shared by every test target that needs a real server.
public struct TestServerOptions: Sendable {
    public var host = "127.0.0.1"
    /// 0 picks a free port.
    public var port = 0
    public var blockDuration: TimeInterval = 60
    public var timeout: TimeInterval? = nil
    public var registration = true
    public var privateRequestLifetime: TimeInterval = 60
    public var maxLineBytes = 64 * 1024
    public var maxOutboundBytes = 1 << 20
    /// `nil` makes a fresh temporary directory (so a self-signed certificate is kept apart too).
    public var databasePath: String? = nil
    /// Where the data is when not in an SQLite file at `databasePath` (a PostgreSQL database).
    public var database: DatabaseLocation? = nil
    /// Tests register many users at once from 127.0.0.1; the limits themselves have their own tests.
    public var loginAttemptsPerAddress: RateLimit? = RateLimit(burst: 1000, perSecond: 100)
    public var registrationsPerAddress: RateLimit? = nil
    public var commandRate: RateLimit? = CoreConfiguration().commandRate
    public var maxUnauthenticated = 1000
    public var loginDeadline: TimeInterval? = 30
    public var transport = ServerConfiguration.Transport.plaintext
    public var loginHistoryRetention = ServerConfiguration().loginHistoryRetention
    /// `0` serves metrics on a free port; `nil` none.
    public var metricsPort: Int? = nil

    public init(
        blockDuration: TimeInterval = 60, timeout: TimeInterval? = nil, registration: Bool = true,
        privateRequestLifetime: TimeInterval = 60, maxLineBytes: Int = 64 * 1024, maxOutboundBytes: Int = 1 << 20,
        databasePath: String? = nil, loginAttemptsPerAddress: RateLimit? = RateLimit(burst: 1000, perSecond: 100),
        registrationsPerAddress: RateLimit? = nil, commandRate: RateLimit? = CoreConfiguration().commandRate,
        maxUnauthenticated: Int = 1000,
        loginDeadline: TimeInterval? = 30, transport: ServerConfiguration.Transport = .plaintext
    ) {
        self.blockDuration = blockDuration
        self.timeout = timeout
        self.registration = registration
        self.privateRequestLifetime = privateRequestLifetime
        self.maxLineBytes = maxLineBytes
        self.maxOutboundBytes = maxOutboundBytes
        self.databasePath = databasePath
        self.loginAttemptsPerAddress = loginAttemptsPerAddress
        self.registrationsPerAddress = registrationsPerAddress
        self.commandRate = commandRate
        self.maxUnauthenticated = maxUnauthenticated
        self.loginDeadline = loginDeadline
        self.transport = transport
    }

    /// The server configuration these options describe.
    public var configuration: ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.transport = transport
        configuration.database =
            database ?? .sqlite(path: databasePath ?? TestDirectory.fresh().appendingPathComponent("parley.db").path)
        configuration.core.blockDuration = blockDuration
        configuration.core.inactivityTimeout = timeout
        configuration.core.registrationEnabled = registration
        configuration.core.privateRequestLifetime = privateRequestLifetime
        configuration.core.loginAttemptsPerAddress = loginAttemptsPerAddress
        configuration.core.registrationsPerAddress = registrationsPerAddress
        configuration.core.commandRate = commandRate
        configuration.core.maxUnauthenticatedConnections = maxUnauthenticated
        configuration.core.loginDeadline = loginDeadline
        configuration.loginHistoryRetention = loginHistoryRetention
        configuration.metricsPort = metricsPort
        configuration.maxLineBytes = maxLineBytes
        configuration.maxOutboundBytes = maxOutboundBytes
        configuration.passwordHasher = PasswordHasher(rounds: 1 << 10, blockSize: 8, parallelism: 1)
        configuration.hashingThreads = 2
        return configuration
    }

    /// Starts a server with these options (on `store` when given) and quiet logs.
    public func start(store: (any ChatStore)? = nil) async throws -> ParleyServer {
        var logger = Logger(label: "test-parleyd")
        logger.logLevel = .critical
        return try await ParleyServer.start(configuration: configuration, store: store, logger: logger)
    }

    /// Starts a server with these options, runs `body` with it, and stops it whether `body` throws or not.
    public func run<Result>(_ body: (ParleyServer) async throws -> Result) async throws -> Result {
        let server = try await start()
        let result: Result
        do {
            result = try await body(server)
        } catch {
            try await server.shutdown()
            throw error
        }
        try await server.shutdown()
        return result
    }
}

/// Fresh directories under one per-process temporary directory, removed with everything in it when the test
/// process exits (a crashed run leaves it behind, named after its process id).
public enum TestDirectory {
    static let root: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("parley-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)  // exists is fine
        atexit { try? FileManager.default.removeItem(at: TestDirectory.root) }
        return url
    }()

    public static func fresh() -> URL {
        let url = root.appendingPathComponent(UUID().uuidString)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)  // a failure shows on use
        return url
    }

    /// A fresh path for a file called `name`.
    public static func path(_ name: String) -> String {
        fresh().appendingPathComponent(name).path
    }
}
