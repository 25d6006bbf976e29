import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Test clients that talk to a server with plain blocking sockets (to read slowly, or to stand apart from
/// SwiftNIO) connect with this.
public enum LoopbackSocket {
    /// Whether this machine can bind `::1`: a container may have no IPv6 at all, and tests over IPv6 are then
    /// skipped.
    public static let hasIPv6: Bool = {
        let probe = socket(AF_INET6, CInt(SOCK_STREAM.rawValue), 0)
        guard probe >= 0 else { return false }
        defer { close(probe) }
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_addr = in6addr_loopback
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(probe, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) == 0
            }
        }
    }()

    public struct ConnectFailed: Error, CustomStringConvertible {
        public let errno: Int32
        public var description: String { "connect to 127.0.0.1 failed: \(String(cString: strerror(errno)))" }
    }

    /// A blocking TCP socket connected to 127.0.0.1:`port`; `configure` gets it before it connects (buffer
    /// sizes, timeouts). The caller closes it.
    public static func connect(port: Int, configure: (Int32) -> Void = { _ in }) throws -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw ConnectFailed(errno: errno) }  // out of descriptors, say
        configure(descriptor)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let failure = ConnectFailed(errno: errno)
            close(descriptor)
            throw failure
        }
        return descriptor
    }
}
