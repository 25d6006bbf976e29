import NIOCore
import ParleyCore
import ParleyFraming

/// The last handler of a client's pipeline: hands lines, errors and the connection's life to the hub.
final class ConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let hub: ChatHub
    private var id: ConnectionID?

    init(hub: ChatHub) {
        self.hub = hub
    }

    func channelActive(context: ChannelHandlerContext) {
        id = hub.connect(context.channel)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let id else { return }
        hub.receive(line: unwrapInboundIn(data), from: id)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let id { hub.disconnected(id) }
        id = nil
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if let id { hub.writabilityChanged(id, isWritable: context.channel.isWritable) }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let tooLong = error as? LineTooLongError, let id {
            hub.lineTooLong(on: id, limit: tooLong.limit)
        } else {
            context.close(promise: nil)
        }
    }
}
