import Foundation
import ParleyTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A client whose end vanished without closing (a laptop asleep, a network changed) must not hold its session
/// open for good, so every client connection has TCP keepalive: probes after 30 s of silence, 10 s apart,
/// three unanswered end it, as does output left unacknowledged for 90 s.
@Suite struct DeadPeerDetectionTests {
    @Test func everyClientConnectionIsProbedWhenSilent() async throws {
        try await withServer { server in
            let client = try LoopbackSocket.connect(port: server.port)
            defer { close(client) }
            // Answered: the server has taken the connection over, its options set.
            let hello = Array(#"{"id":1,"op":"hello","version":1}"#.utf8) + [0x0A]
            #expect(send(client, hello, hello.count, 0) == hello.count)
            var reply = [UInt8](repeating: 0, count: 512)
            #expect(recv(client, &reply, reply.count, 0) > 0)

            let accepted = try #require(Self.serverSide(of: client, serverPort: server.port))
            #expect(Self.option(accepted, SOL_SOCKET, SO_KEEPALIVE) == 1)
            #expect(Self.option(accepted, CInt(IPPROTO_TCP), TCP_KEEPIDLE) == 30)
            #expect(Self.option(accepted, CInt(IPPROTO_TCP), TCP_KEEPINTVL) == 10)
            #expect(Self.option(accepted, CInt(IPPROTO_TCP), TCP_KEEPCNT) == 3)
            #expect(Self.option(accepted, CInt(IPPROTO_TCP), TCP_USER_TIMEOUT) == 90_000)
        }
    }

    /// The server runs in this process: its end of `client` is the socket whose peer is `client`'s address.
    private static func serverSide(of client: CInt, serverPort: Int) -> CInt? {
        let clientPort = port(of: client, getsockname)
        return (3..<4096).first { descriptor in
            descriptor != client && port(of: descriptor, getsockname) == serverPort
                && port(of: descriptor, getpeername) == clientPort
        }
    }

    private static func port(
        of descriptor: CInt, _ query: (CInt, UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> CInt
    ) -> Int? {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let result = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { query(descriptor, $0, &length) }
        }
        guard result == 0, address.sin_family == sa_family_t(AF_INET) else { return nil }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func option(_ descriptor: CInt, _ level: CInt, _ name: CInt) -> CInt? {
        var value: CInt = 0
        var length = socklen_t(MemoryLayout<CInt>.size)
        return getsockopt(descriptor, level, name, &value, &length) == 0 ? value : nil
    }
}
