import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A port on 127.0.0.1 where a connection attempt is never answered, as behind a firewall that drops
/// packets: a listener that never accepts, its accept queue filled, so the kernel drops every further SYN
/// and `connect` waits instead of failing. No privileges or network namespaces needed.
final class UnansweredPort {
    let port: Int
    private let listener: Int32
    private var queued: [Int32] = []

    init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = Self.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, length) == 0 && getsockname(listener, $0, &length) == 0
            }
        }
        guard listening, listen(listener, 0) == 0 else {
            port = 0
            throw UnansweredPortFailure("listen: \(errno)")
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        // Connect until an attempt hangs: from then on the queue is full (Linux queues backlog + 1) and
        // stays full, since the connections that got in are kept and never accepted.
        for _ in 0..<8 {
            let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            var target = Self.loopback(port: port)
            _ = withUnsafePointer(to: &target) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(probe, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            var poller = pollfd(fd: probe, events: Int16(POLLOUT), revents: 0)
            guard poll(&poller, 1, 300) > 0 else {
                close(probe)
                return
            }
            queued.append(probe)
        }
        throw UnansweredPortFailure("connections to the port were still answered")
    }

    deinit {
        for descriptor in queued { close(descriptor) }
        close(listener)
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}

struct UnansweredPortFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
