import Foundation
import ParleyServer
import ParleyTLS
import ParleyTesting

/// A real server in this process on an ephemeral port (see `TestServerOptions`).
struct ClientTestServer {
    let server: ParleyServer
    var port: Int { server.port }

    var fingerprint: CertificateFingerprint? { server.tlsFingerprint }

    /// Plain TCP unless `tls` (a self-signed certificate made in the server's own temporary directory).
    static func start(
        timeout: TimeInterval? = nil, blockDuration: TimeInterval = 60, registration: Bool = true,
        privateRequestLifetime: TimeInterval = 60, tls: Bool = false, transport: ServerConfiguration.Transport? = nil
    ) async throws -> ClientTestServer {
        let options = TestServerOptions(
            blockDuration: blockDuration, timeout: timeout, registration: registration,
            privateRequestLifetime: privateRequestLifetime,
            transport: transport ?? (tls ? .selfSignedTLS : .plaintext))
        return ClientTestServer(server: try await options.start())
    }

    func stop() async throws {
        try await server.shutdown()
    }
}

/// Runs `body` with a fresh server and always stops it.
func withServer(
    timeout: TimeInterval? = nil, blockDuration: TimeInterval = 60, registration: Bool = true,
    privateRequestLifetime: TimeInterval = 60, tls: Bool = false, transport: ServerConfiguration.Transport? = nil,
    _ body: (ClientTestServer) async throws -> Void
) async throws {
    let server = try await ClientTestServer.start(
        timeout: timeout, blockDuration: blockDuration, registration: registration,
        privateRequestLifetime: privateRequestLifetime, tls: tls, transport: transport)
    do {
        try await body(server)
    } catch {
        try await server.stop()
        throw error
    }
    try await server.stop()
}
