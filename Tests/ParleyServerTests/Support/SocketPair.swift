import Foundation
import NIOCore
import NIOEmbedded

/// Runs `body` with both ends of a connected Unix stream socket pair and an embedded channel that is active
/// (the state in which the server writes a socket directly), and closes both ends afterwards. For the direct
/// write paths: the server's end is written, the peer's end read.
func withSocketPair(_ body: (_ channel: EmbeddedChannel, _ ours: CInt, _ peer: CInt) throws -> Void) throws {
    var ends: [CInt] = [0, 0]
    guard socketpair(AF_UNIX, CInt(SOCK_STREAM.rawValue), 0, &ends) == 0 else {
        throw WireClient.Failure.unexpected("socketpair failed: \(errno)")
    }
    defer {
        close(ends[0])
        close(ends[1])
    }
    let channel = EmbeddedChannel()
    try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
    try body(channel, ends[0], ends[1])
}

/// Everything the peer end of a socket pair can read now, without waiting.
func drainSocket(_ peer: CInt) -> [UInt8] {
    var all: [UInt8] = []
    var bytes = [UInt8](repeating: 0, count: 1 << 16)
    while case let count = recv(peer, &bytes, bytes.count, CInt(MSG_DONTWAIT)), count > 0 {
        all += bytes[..<count]
    }
    return all
}
