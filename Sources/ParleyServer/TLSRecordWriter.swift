import NIOCore

/// The TLS records NIOSSL makes of a connection's output, written with `send(2)` on the socket, past SwiftNIO's
/// write path: the TLS twin of `ConnectionSlot.sendDirectly` (`DirectSocketWrite`), for the same reason. It
/// sits between NIOSSL and the head of the pipeline, where every record NIOSSL writes passes, so NIOSSL keeps
/// all of TLS (handshake, encryption, alerts, close_notify) and only the last step changes.
///
/// It is safe for the reasons `DirectSocketWrite` gives: it runs on the event loop, writes only while the
/// channel is active (so the descriptor is still this connection's socket) and only while SwiftNIO holds no
/// earlier record for it; anything the socket does not take at once, with everything after it until that is
/// written, goes down the pipeline to SwiftNIO, which writes it or closes the channel in its usual way.
final class TLSRecordWriter: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let socket: DirectSocket
    /// Records handed to SwiftNIO and not yet written (or failed).
    private(set) var writesInNIO = 0

    init(socket: CInt) {
        self.socket = DirectSocket(socket)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        var record = unwrapOutboundIn(data)
        if writesInNIO == 0, context.channel.isActive, socket.write(&record) {
            promise?.succeed()
            return
        }
        writesInNIO += 1
        let written = promise ?? context.eventLoop.makePromise()
        written.futureResult.assumeIsolated().whenComplete { _ in self.writesInNIO -= 1 }
        context.write(wrapOutboundOut(record), promise: written)
    }
}
