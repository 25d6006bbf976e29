import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// A plaintext connection's output written with `send(2)` on its socket, past SwiftNIO's write path.
///
/// Why by hand: SwiftNIO's path from `writeAndFlush` to the system call (the pipeline, its queue of pending
/// writes, the promise and writability bookkeeping, retain and release around each) costs 1.2–1.6 µs per
/// write on this project's benchmark machine, a quarter of a broadcast's CPU per recipient and a sixth of a
/// direct message's (docs/BENCHMARKS.md). The hub writes a connection once per tick, so one call per tick
/// is all this replaces. TLS connections (the default) go through NIOSSL; the records it makes are written the
/// same way by `TLSRecordWriter`.
///
/// What keeps it safe:
/// - The descriptor is the one `SocketAcceptor` accepted and handed to SwiftNIO, which closes it only on
///   the event loop, in `close0`, and marks the channel inactive there before any other code runs (its "no
///   user callouts" block). This runs on the event loop too and checks `isActive` first, so the descriptor
///   is still this connection's socket: a number the kernel gave to a newer connection is never written.
///   Debug builds check that against the socket's `SO_COOKIE`, unique for the life of the system.
/// - SwiftNIO's own queue comes first: while it holds anything for the channel (after a partial write),
///   output goes through SwiftNIO, so bytes never overtake each other.
/// - Anything but complete success (a full socket buffer, a reset, a closed peer) hands the rest to
///   SwiftNIO, which writes it when it can or meets the same error and closes the channel in its usual way.
///   `MSG_NOSIGNAL` keeps a closed peer from raising SIGPIPE.
extension ConnectionSlot {
    /// Sends as much of `bytes` as the socket takes now, when this connection may be written directly; true
    /// when all of it went (otherwise what is left in `bytes` is for SwiftNIO).
    func sendDirectly(_ bytes: inout ByteBuffer) -> Bool {
        guard let socket, writesInNIO == 0, channel.isActive else { return false }
        return socket.write(&bytes)
    }
}

/// An accepted connection's socket as both direct paths write it (`ConnectionSlot.sendDirectly` for
/// plaintext, `TLSRecordWriter` for TLS records); callers check first that the channel is active and that
/// SwiftNIO holds nothing for it.
struct DirectSocket {
    let descriptor: CInt
    #if DEBUG
        /// The socket's `SO_COOKIE` when it was accepted, checked before each write in debug builds.
        private let cookie: UInt64?
    #endif

    init(_ descriptor: CInt) {
        self.descriptor = descriptor
        #if DEBUG
            cookie = SocketCookie.of(descriptor)
        #endif
    }

    /// Sends as much of `bytes` as the socket takes now, without blocking and without SIGPIPE; true when all
    /// of it went, otherwise what is left in `bytes` is for SwiftNIO (a full socket, a reset, a closed peer).
    func write(_ bytes: inout ByteBuffer) -> Bool {
        #if DEBUG
            assert(
                SocketCookie.of(descriptor) == cookie,
                "descriptor \(descriptor) is no longer this connection's socket")
        #endif
        while bytes.readableBytes > 0 {
            let sent = bytes.withUnsafeReadableBytes { unsent in
                send(descriptor, unsent.baseAddress, unsent.count, CInt(MSG_NOSIGNAL) | CInt(MSG_DONTWAIT))
            }
            if sent > 0 {
                bytes.moveReaderIndex(forwardBy: sent)
            } else if sent < 0, errno == EINTR {
                continue
            } else {
                return false
            }
        }
        return true
    }
}

/// The kernel's identity of a socket (`SO_COOKIE`): unlike a descriptor number, never given to another
/// socket while the system runs.
enum SocketCookie {
    static func of(_ socket: CInt) -> UInt64? {
        var cookie: UInt64 = 0
        var length = socklen_t(MemoryLayout<UInt64>.size)
        let soCookie: CInt = 57  // SO_COOKIE from <asm-generic/socket.h>, which Glibc's module does not export
        return getsockopt(socket, SOL_SOCKET, soCookie, &cookie, &length) == 0 ? cookie : nil
    }
}
