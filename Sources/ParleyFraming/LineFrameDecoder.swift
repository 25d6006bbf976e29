import NIOCore

/// Splits a byte stream into lines with `LineSplitter`, in a channel pipeline: the framing of the client's
/// server connection and of direct private sessions.
/// Written by hand because NIOExtras' `LineBasedFrameDecoder` has no length limit, and an unlimited line is
/// how one peer could exhaust the other's memory.
public struct LineFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = ByteBuffer

    public var maxLength: Int { splitter.maxLength }
    /// Whether a last line that ends without a newline when the stream closes is still delivered (the
    /// server treats it as a request; a client drops a frame it cannot be sure is whole).
    public let deliversUnterminatedLastLine: Bool
    private var splitter: LineSplitter

    public init(maxLength: Int, deliversUnterminatedLastLine: Bool = true) {
        self.splitter = LineSplitter(maxLength: maxLength)
        self.deliversUnterminatedLastLine = deliversUnterminatedLastLine
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let line = try splitter.nextLine(from: &buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws
        -> DecodingState
    {
        while try decode(context: context, buffer: &buffer) == .continue {}
        if deliversUnterminatedLastLine, seenEOF, buffer.readableBytes > 0 {
            let line = buffer.readSlice(length: buffer.readableBytes)!
            context.fireChannelRead(wrapInboundOut(line))
        }
        buffer.moveReaderIndex(to: buffer.writerIndex)
        return .needMoreData
    }
}
