import Foundation
import NIOCore
import ParleyServer
import ParleyTesting
import Testing

/// The listening socket `SocketAcceptor` keeps: binding, its errors, IPv6, and that stopping ends it.
@Suite struct ListeningTests {
    @Test func aPortInUseIsRefusedWithTheSystemsReasonAndTheFirstServerCarriesOn() async throws {
        try await withServer { server in
            var options = ServerOptions()
            options.port = server.port
            await #expect {
                try await options.start()
            } throws: { error in
                "\(error)" == "cannot listen on 127.0.0.1:\(server.port): Address already in use"
            }
            let alice = try await server.login("alice")
            try await alice.ok(.ping)
        }
    }

    @Test(.enabled(if: LoopbackSocket.hasIPv6, "no IPv6 loopback on this machine"))
    func listensAndAcceptsOnIPv6() async throws {
        var options = ServerOptions()
        options.host = "::1"
        try await options.run { server in
            #expect(server.localAddress.protocol == .inet6)
            let client = try await WireClient.connect(port: server.port, host: "::1")
            try await client.hello()
            try await client.loginOrRegister("alice", password: "secret")
            try await client.ok(.whoelse)
        }
    }

    @Test func afterShutdownTheAddressRefusesConnections() async throws {
        let server = try await ServerOptions().start()
        let port = server.port
        let before = try await WireClient.connect(port: port)
        try await before.hello()
        try await server.shutdown()
        await #expect(throws: (any Error).self) { try await WireClient.connect(port: port) }
    }

}
