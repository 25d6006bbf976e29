import Foundation
import Logging
import ParleyCore
import ParleyServer
import ParleyStore

/// A real server in this process on an ephemeral port, with its own temporary database.
/// Hashing uses cheap scrypt parameters so tests stay fast; everything else is as shipped.
struct TestServer {
    let server: ParleyServer
    let databasePath: String
    var port: Int { server.port }

    static func start(_ options: ServerOptions = ServerOptions()) async throws -> TestServer {
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.host = "127.0.0.1"
        configuration.transport = options.transport
        configuration.databasePath = options.databasePath ?? TemporaryFiles.path("parley.db")
        configuration.core.blockDuration = options.blockDuration
        configuration.core.inactivityTimeout = options.timeout
        configuration.core.registrationEnabled = options.registration
        configuration.core.privateRequestLifetime = options.privateRequestLifetime
        configuration.core.loginAttemptsPerAddress = options.loginAttemptsPerAddress
        configuration.core.commandRate = options.commandRate
        configuration.core.maxUnauthenticatedConnections = options.maxUnauthenticated
        configuration.core.loginDeadline = options.loginDeadline
        configuration.maxLineBytes = options.maxLineBytes
        configuration.maxOutboundBytes = options.maxOutboundBytes
        configuration.passwordHasher = PasswordHasher(rounds: 1 << 10, blockSize: 8, parallelism: 1)
        configuration.hashingThreads = 2
        var logger = Logger(label: "test-parleyd")
        logger.logLevel = .critical
        let server = try await ParleyServer.start(configuration: configuration, logger: logger)
        return TestServer(server: server, databasePath: configuration.databasePath)
    }

    func connect(from source: String? = nil) async throws -> WireClient {
        try await WireClient.connect(port: port, from: source)
    }

    /// A connected client that said hello and registered (or logged in) as `name`.
    func login(_ name: String, password: String = "secret") async throws -> WireClient {
        let client = try await connect()
        try await client.hello()
        try await client.loginOrRegister(name, password: password)
        return client
    }

    func stop() async throws {
        try await server.shutdown()
    }
}

/// Fresh paths under a per-process temporary directory.
enum TemporaryFiles {
    static let directory: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("parley-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)  // exists is fine
        return url
    }()

    /// A fresh directory, for files a server keeps beside its database (such as its TLS certificate).
    static func freshDirectory() -> URL {
        let url = directory.appendingPathComponent(UUID().uuidString)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)  // a failure shows up on use
        return url
    }

    static func path(_ name: String) -> String {
        directory.appendingPathComponent("\(UUID().uuidString)-\(name)").path
    }
}

/// How a test server differs from the shipped defaults.
struct ServerOptions {
    var blockDuration: TimeInterval = 60
    var timeout: TimeInterval? = nil
    var registration = true
    var privateRequestLifetime: TimeInterval = 60
    var maxLineBytes = 64 * 1024
    var maxOutboundBytes = 1 << 20
    var databasePath: String? = nil
    /// Tests register many users at once from 127.0.0.1; the limit itself has its own tests.
    var loginAttemptsPerAddress: RateLimit? = RateLimit(burst: 1000, perSecond: 100)
    var commandRate: RateLimit? = CoreConfiguration().commandRate
    var maxUnauthenticated = 1000
    var loginDeadline: TimeInterval? = 30
    var transport = ServerConfiguration.Transport.plaintext
}

/// Runs `body` with a server and always stops it.
func withServer(_ options: ServerOptions = ServerOptions(), _ body: (TestServer) async throws -> Void) async throws {
    let server = try await TestServer.start(options)
    do {
        try await body(server)
    } catch {
        try await server.stop()
        throw error
    }
    try await server.stop()
}
