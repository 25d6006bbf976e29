import Foundation
import ParleyTesting

/// A blocking socket with a small receive buffer, for clients that read slowly or never: it reads only when
/// a test asks it to, so the server's writes to it fill the kernel's buffers.
final class RawSocket: @unchecked Sendable {
    private let descriptor: Int32
    private var unread: [UInt8] = []

    init(port: Int) throws {
        descriptor = try LoopbackSocket.connect(port: port) { descriptor in
            var small: Int32 = 4096
            setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
            // Every read is bounded: a server that sends nothing fails the test instead of hanging it.
            var wait = timeval(tv_sec: Int(WireClient.defaultWait), tv_usec: 0)
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        }
    }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard Glibc.send(descriptor, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count else {
            throw WireClient.Failure.unexpected("send failed: \(errno)")
        }
    }

    /// Reads until `count` whole lines have arrived (waiting at most `WireClient.defaultWait` for each read)
    /// and returns them.
    func readLines(_ count: Int) throws -> [String] {
        var lines: [String] = []
        while lines.count < count {
            if let newline = unread.firstIndex(of: 0x0A) {
                lines.append(String(decoding: unread[..<newline], as: UTF8.self))
                unread.removeSubrange(...newline)
                continue
            }
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            let received = recv(descriptor, &chunk, chunk.count, 0)
            guard received > 0 else {
                throw received == 0 ? WireClient.Failure.closed : WireClient.Failure.timedOut("\(count) lines")
            }
            unread += chunk[..<received]
        }
        return lines
    }

    /// Closes the sending side only (as `nc -N` does at the end of its input); the socket still reads.
    func finishSending() {
        shutdown(descriptor, Int32(SHUT_WR))
    }

    /// Every line until the server closes the connection (each read bounded as in `readLines`).
    func readUntilClosed() throws -> [String] {
        var lines: [String] = []
        while true {
            do {
                lines += try readLines(1)
            } catch WireClient.Failure.closed {
                return lines
            }
        }
    }

    func close() {
        Glibc.close(descriptor)
    }
}
