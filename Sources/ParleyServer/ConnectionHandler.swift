import NIOCore
import ParleyCore
import ParleyFraming

/// The one handler of a client's pipeline (after TLS, when on): cuts the byte stream into lines and hands
/// them, errors and the connection's life to the hub.
///
/// It splits lines itself (with the same `LineSplitter` the client's `LineFrameDecoder` uses) instead of
/// sitting behind a `ByteToMessageHandler`: one handler fewer per connection is a few hundred bytes less
/// for each of thousands of idle connections, and one pipeline step less per request.
final class ConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let hub: ChatHub
    /// The socket's descriptor when the hub may write to it directly (plaintext), else `nil`.
    private let socket: CInt?
    private var id: ConnectionID?
    private var splitter: LineSplitter
    /// The start of a line whose newline has not arrived yet.
    private var partialLine: ByteBuffer?
    /// A line was too long: the connection is being closed and reads nothing more.
    private var refused = false

    init(hub: ChatHub, maxLineBytes: Int, socket: CInt?) {
        self.hub = hub
        self.socket = socket
        self.splitter = LineSplitter(maxLength: maxLineBytes)
    }

    func channelActive(context: ChannelHandlerContext) {
        id = hub.connect(context.channel, socket: socket)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let id, !refused else { return }
        var bytes = unwrapInboundIn(data)
        if var earlier = partialLine {
            partialLine = nil
            earlier.writeBuffer(&bytes)
            bytes = earlier
        }
        do {
            while let line = try splitter.nextLine(from: &bytes) {
                hub.receive(line: line, from: id)
            }
        } catch {
            refused = true
            hub.lineTooLong(on: id, limit: error.limit)
            return
        }
        if bytes.readableBytes > 0 { partialLine = bytes }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let id {
            receiveLastLine(from: id)
            hub.disconnected(id)
        }
        id = nil
        partialLine = nil
        context.fireChannelInactive()
    }

    /// The client closed its side of a plain-text connection and reads on: what it sent is carried out and
    /// answered, then the hub closes the connection.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let id, let event = event as? ChannelEvent, event == .inputClosed {
            receiveLastLine(from: id)
            if !refused { hub.inputEnded(id) }
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// A last request without its newline still counts, as it would from a file piped to `nc`.
    private func receiveLastLine(from id: ConnectionID) {
        defer { partialLine = nil }
        if !refused, let last = partialLine, last.readableBytes > 0 { hub.receive(line: last, from: id) }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if let id, context.channel.isWritable { hub.becameWritable(id) }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
