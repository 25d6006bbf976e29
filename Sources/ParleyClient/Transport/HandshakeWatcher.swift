import NIOCore
import NIOSSL
import NIOTLS

/// Completes a promise when the TLS handshake is done, or fails it when the handshake fails, the connection
/// closes first, or `timeout` passes. Lets `connect` return only a connection that is already secure, so a
/// certificate problem is reported as a failure to connect rather than as a lost connection later.
final class HandshakeWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    struct TimedOut: Error, CustomStringConvertible {
        var description: String { "the TLS handshake timed out" }
    }

    private let promise: EventLoopPromise<Void>
    private let timeout: TimeAmount
    private var deadline: Scheduled<Void>?

    init(promise: EventLoopPromise<Void>, timeout: TimeAmount) {
        self.promise = promise
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let promise = promise
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: timeout) {
            promise.fail(TimedOut())
            channel.close(promise: nil)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted? = event as? TLSUserEvent {
            deadline?.cancel()
            promise.succeed()
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        deadline?.cancel()
        promise.fail(error)
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        promise.fail(ChannelError.ioOnClosedChannel)
        context.fireChannelInactive()
    }
}
