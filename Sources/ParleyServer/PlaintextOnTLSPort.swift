import NIOCore
import ParleyProtocol

/// Looks once at the first bytes of a connection to a server that speaks TLS. A TLS client starts with a
/// handshake record (byte 0x16), and is passed on to NIOSSL untouched. Anything else is someone speaking
/// the protocol in plain text (`nc`, or `parley --insecure-plaintext`): they get one plain `tls_required`
/// reply saying what to do, and the connection is closed, where NIOSSL would have closed it without a word.
final class PlaintextOnTLSPort: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private static let handshakeRecord: UInt8 = 0x16
    private static let refusal = ByteBuffer(
        bytes: WireCodec().line(Reply(id: nil, ok: false, error: ErrorBody(.tlsRequired))))

    private var refused = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        guard !refused, let first = bytes.getInteger(at: bytes.readerIndex, as: UInt8.self) else { return }
        guard first == Self.handshakeRecord else {
            refused = true
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(Self.refusal)).whenComplete { _ in channel.close(promise: nil) }
            return
        }
        context.fireChannelRead(data)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}
