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

typealias ServerOptions = TestServerOptions

/// Runs `body` with a server and always stops it.
func withServer(_ options: ServerOptions = ServerOptions(), _ body: (TestServer) async throws -> Void) async throws {
    try await options.run { try await body(TestServer(server: $0)) }
}
