import Foundation
import ParleyServer
import ParleyTesting

/// A real server in this process on an ephemeral port (see `TestServerOptions`), with raw protocol clients.
struct TestServer {
    let server: ParleyServer
    var port: Int { server.port }

    static func start(_ options: ServerOptions = ServerOptions()) async throws -> TestServer {
        TestServer(server: try await options.start())
    }

    /// A client in the server's transport: over TLS (trusting its certificate) when the server speaks TLS.
    func connect(from source: String? = nil, receiveBuffer: Int? = nil) async throws -> WireClient {
        try await WireClient.connect(
            port: port, from: source, tls: server.tlsFingerprint.map { .pinned($0) }, receiveBuffer: receiveBuffer)
    }

    /// A connected client that said hello and registered (or logged in) as `name`. `seconds` bounds the wait
    /// for each reply: a test that logs many in at once gives their password hashing more.
    func login(
        _ name: String, password: String = "secret", receiveBuffer: Int? = nil,
        within seconds: Double = WireClient.defaultWait
    ) async throws -> WireClient {
        let client = try await connect(receiveBuffer: receiveBuffer)
        try await client.hello()
        try await client.loginOrRegister(name, password: password, within: seconds)
        return client
    }

    func stop() async throws {
        try await server.shutdown()
    }
}

typealias ServerOptions = TestServerOptions

/// Runs `body` with a server and always stops it.
func withServer(_ options: ServerOptions = ServerOptions(), _ body: (TestServer) async throws -> Void) async throws {
    try await options.run { try await body(TestServer(server: $0)) }
}
