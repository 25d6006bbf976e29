import Foundation
import ParleyServer
import ParleyTLS
import ParleyTesting

/// A real server in this process on an ephemeral port (see `TestServerOptions`).
struct ClientTestServer {
    let server: ParleyServer
    var port: Int { server.port }

    var fingerprint: CertificateFingerprint? { server.tlsFingerprint }

    /// Plain TCP unless `transport` says otherwise (`.selfSignedTLS` makes a certificate in the server's own
    /// temporary directory).
    static func options(
        timeout: TimeInterval? = nil, blockDuration: TimeInterval = 60, registration: Bool = true,
        privateRequestLifetime: TimeInterval = 60, transport: ServerConfiguration.Transport = .plaintext
    ) -> TestServerOptions {
        TestServerOptions(
            blockDuration: blockDuration, timeout: timeout, registration: registration,
            privateRequestLifetime: privateRequestLifetime, transport: transport)
    }

    static func start() async throws -> ClientTestServer {
        ClientTestServer(server: try await options().start())
    }

    func stop() async throws {
        try await server.shutdown()
    }
}

/// Runs `body` with a fresh server and always stops it.
func withServer(
    timeout: TimeInterval? = nil, blockDuration: TimeInterval = 60, registration: Bool = true,
    privateRequestLifetime: TimeInterval = 60, transport: ServerConfiguration.Transport = .plaintext,
    _ body: (ClientTestServer) async throws -> Void
) async throws {
    let options = ClientTestServer.options(
        timeout: timeout, blockDuration: blockDuration, registration: registration,
        privateRequestLifetime: privateRequestLifetime, transport: transport)
    try await options.run { try await body(ClientTestServer(server: $0)) }
}
