import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ParleyProcess
import ParleyProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// The listening socket, with a thread of its own that accepts connections and hands each new socket to
/// SwiftNIO (`ClientBootstrap.withConnectedSocket`, in `ConnectionBootstrap`), which owns it from then on.
///
/// Written by hand rather than using `ServerBootstrap` for one reason: the server has to know each
/// connection's socket descriptor to write plaintext output on it directly (`DirectSocketWrite`), and
/// SwiftNIO does not give out the descriptors of the sockets it accepts. Accepting here is the whole of it:
/// reads, writes through SwiftNIO, closing and every error after the hand-over stay SwiftNIO's.
final class SocketAcceptor: Sendable {
    /// Where it listens, with the real port when 0 was asked for.
    let localAddress: SocketAddress
    private let descriptor: CInt
    private let thread: NIOThreadPool
    private let stopping = NIOLockedValueBox(false)
    /// Whether `start` ran: a socket bound but never accepted on has no thread to stop.
    private let started = NIOLockedValueBox(false)

    /// Binds and listens on `host`:`port` (`SO_REUSEADDR`, as `ServerBootstrap` would); throws the system's
    /// error (an address in use, a name that does not resolve) before any thread starts.
    init(host: String, port: Int, backlog: CInt) throws {
        let requested: SocketAddress
        do {
            requested = try SocketAddress.makeAddressResolvingHost(host, port: port)
        } catch {
            throw CannotListen(endpoint: Texts.endpoint(host: host, port: port), reason: socketProblem(error))
        }
        let family = requested.protocol.rawValue
        let descriptor = socket(family, CInt(SOCK_STREAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw SystemCallError("cannot make a socket", errno) }
        do {
            var one: CInt = 1
            guard setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<CInt>.size)) == 0
            else { throw SystemCallError("cannot set SO_REUSEADDR", errno) }
            let bound = requested.withSockAddr { address, length in
                bind(descriptor, address, socklen_t(length))
            }
            guard bound == 0 else {
                throw SystemCallError("cannot listen on \(Texts.endpoint(host: host, port: port))", errno)
            }
            guard listen(descriptor, backlog) == 0 else {
                throw SystemCallError("cannot listen on \(Texts.endpoint(host: host, port: port))", errno)
            }
            self.localAddress = try Self.boundAddress(of: descriptor, host: host)
        } catch {
            close(descriptor)
            throw error
        }
        self.descriptor = descriptor
        self.thread = NIOThreadPool(numberOfThreads: 1)
    }

    /// Starts accepting; `accepted` gets each new connection's descriptor, on the accepting thread, and must
    /// take ownership of it.
    func start(logger: Logger, accepted: @escaping @Sendable (CInt) -> Void) {
        started.withLockedValue { $0 = true }
        thread.start()
        let descriptor = self.descriptor
        let stopping = self.stopping
        thread.submit { _ in
            var outOfDescriptors = false
            while true {
                let connection = Self.acceptClosingOnExec(descriptor)
                if connection >= 0 {
                    if outOfDescriptors {
                        outOfDescriptors = false
                        logger.notice("accepting connections again")
                    }
                    accepted(connection)
                    continue
                }
                let error = errno
                if stopping.withLockedValue({ $0 }) { return }
                switch error {
                case EINTR, ECONNABORTED, EPROTO:
                    continue  // the client gave up before it was accepted, or a signal: nothing to do
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    // Out of descriptors or memory: the connection waits in the backlog while others close.
                    if !outOfDescriptors {
                        outOfDescriptors = true
                        logger.error(
                            "cannot accept connections",
                            metadata: ["reason": "\(SystemCallError("accept", error))"])
                    }
                    usleep(100_000)
                default:
                    logger.critical(
                        "stopped accepting connections",
                        metadata: ["reason": "\(SystemCallError("accept", error))"])
                    return
                }
            }
        }
    }

    /// Stops accepting (a connection in the backlog is refused) and waits for the thread to finish.
    func stop() async throws {
        let alreadyStopping = stopping.withLockedValue { stopping in
            defer { stopping = true }
            return stopping
        }
        guard !alreadyStopping else { return }
        guard started.withLockedValue({ $0 }) else {
            close(descriptor)  // bound, never accepting: no thread to stop
            return
        }
        shutdown(descriptor, CInt(SHUT_RDWR))  // wakes the thread's `accept` with an error
        try await thread.shutdownGracefully()
        close(descriptor)
    }

    private typealias Accept4 =
        @convention(c) (CInt, UnsafeMutablePointer<sockaddr>?, UnsafeMutablePointer<socklen_t>?, CInt) -> CInt
    private static let accept4 = LibC.function("accept4", as: Accept4.self)

    /// `accept4(..., SOCK_CLOEXEC)`, so a process the server starts never inherits a client's socket (tests
    /// run the shipped binaries from the process that runs the server); `accept` and then `FD_CLOEXEC`
    /// where there is no `accept4`.
    private static func acceptClosingOnExec(_ descriptor: CInt) -> CInt {
        if let accept4 { return accept4(descriptor, nil, nil, CInt(SOCK_CLOEXEC.rawValue)) }
        let connection = accept(descriptor, nil, nil)
        if connection >= 0 { _ = fcntl(connection, F_SETFD, FD_CLOEXEC) }
        return connection
    }

    private static func boundAddress(of descriptor: CInt, host: String) throws -> SocketAddress {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { throw SystemCallError("getsockname", errno) }
        switch CInt(storage.ss_family) {
        case AF_INET:
            return withUnsafeBytes(of: storage) { SocketAddress($0.load(as: sockaddr_in.self), host: host) }
        case AF_INET6:
            return withUnsafeBytes(of: storage) { SocketAddress($0.load(as: sockaddr_in6.self), host: host) }
        default:
            throw SystemCallError("getsockname", EAFNOSUPPORT)
        }
    }
}

/// The address to listen on does not resolve.
struct CannotListen: Error, CustomStringConvertible {
    let endpoint: String
    let reason: String

    var description: String { "cannot listen on \(endpoint): \(reason)" }
}
