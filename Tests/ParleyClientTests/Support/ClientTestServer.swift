import Foundation
import Logging
import ParleyCore
import ParleyServer
import ParleyStore
import ParleyTLS

/// A real server in this process on an ephemeral port with its own temporary database, set up as main's
/// server tests do (cheap password hashing, quiet logs); everything else is as shipped.
struct ClientTestServer {
    let server: ParleyServer
    var port: Int { server.port }

    var fingerprint: CertificateFingerprint? { server.tlsFingerprint }

    /// Plain TCP unless `tls` (a self-signed certificate made in the server's own temporary directory).
    static func start(
        timeout: TimeInterval? = nil, blockDuration: TimeInterval = 60, registration: Bool = true,
        privateRequestLifetime: TimeInterval = 60, tls: Bool = false
    ) async throws -> ClientTestServer {
        var configuration = ServerConfiguration()
        configuration.port = 0
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("parley-client-tests-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        configuration.databasePath = directory.appendingPathComponent("parley.db").path
        configuration.transport = tls ? .selfSignedTLS : .plaintext
        configuration.core.inactivityTimeout = timeout
        configuration.core.blockDuration = blockDuration
        configuration.core.registrationEnabled = registration
        configuration.core.privateRequestLifetime = privateRequestLifetime
        configuration.passwordHasher = PasswordHasher(rounds: 1 << 10, blockSize: 8, parallelism: 1)
        configuration.hashingThreads = 2
        var logger = Logger(label: "client-test-parleyd")
        logger.logLevel = .critical
        return ClientTestServer(server: try await ParleyServer.start(configuration: configuration, logger: logger))
    }

    func stop() async throws {
        try await server.shutdown()
    }
}

/// Runs `body` with a fresh server and always stops it.
func withServer(
    timeout: TimeInterval? = nil, blockDuration: TimeInterval = 60, registration: Bool = true,
    privateRequestLifetime: TimeInterval = 60, tls: Bool = false, _ body: (ClientTestServer) async throws -> Void
) async throws {
    let server = try await ClientTestServer.start(
        timeout: timeout, blockDuration: blockDuration, registration: registration,
        privateRequestLifetime: privateRequestLifetime, tls: tls)
    do {
        try await body(server)
    } catch {
        try await server.stop()
        throw error
    }
    try await server.stop()
}
