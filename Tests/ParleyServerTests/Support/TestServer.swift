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

    static func start(
        blockDuration: TimeInterval = 60, timeout: TimeInterval? = nil, registration: Bool = true,
        privateRequestLifetime: TimeInterval = 60, maxLineBytes: Int = 64 * 1024, maxOutboundBytes: Int = 1 << 20,
        databasePath: String? = nil
    ) async throws -> TestServer {
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.databasePath = databasePath ?? TemporaryFiles.path("parley.db")
        configuration.core.blockDuration = blockDuration
        configuration.core.inactivityTimeout = timeout
        configuration.core.registrationEnabled = registration
        configuration.core.privateRequestLifetime = privateRequestLifetime
        configuration.maxLineBytes = maxLineBytes
        configuration.maxOutboundBytes = maxOutboundBytes
        configuration.passwordHasher = PasswordHasher(rounds: 1 << 10, blockSize: 8, parallelism: 1)
        configuration.hashingThreads = 2
        var logger = Logger(label: "test-parleyd")
        logger.logLevel = .critical
        let server = try await ParleyServer.start(configuration: configuration, logger: logger)
        return TestServer(server: server, databasePath: configuration.databasePath)
    }

    func connect() async throws -> WireClient {
        try await WireClient.connect(port: port)
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

    static func path(_ name: String) -> String {
        directory.appendingPathComponent("\(UUID().uuidString)-\(name)").path
    }
}

/// Runs `body` with a server and always stops it.
func withServer(
    blockDuration: TimeInterval = 60, timeout: TimeInterval? = nil, registration: Bool = true,
    privateRequestLifetime: TimeInterval = 60, maxLineBytes: Int = 64 * 1024, maxOutboundBytes: Int = 1 << 20,
    _ body: (TestServer) async throws -> Void
) async throws {
    let server = try await TestServer.start(
        blockDuration: blockDuration, timeout: timeout, registration: registration,
        privateRequestLifetime: privateRequestLifetime, maxLineBytes: maxLineBytes, maxOutboundBytes: maxOutboundBytes)
    do {
        try await body(server)
    } catch {
        try await server.stop()
        throw error
    }
    try await server.stop()
}
