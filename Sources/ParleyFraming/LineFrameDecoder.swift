import NIOCore

/// Splits a byte stream into lines with `LineSplitter`, in a channel pipeline: the client's framing of its
/// server connection and of direct private sessions. A last line that ends without a newline when the stream
/// closes is dropped: the client cannot be sure such a frame is whole. (The server splits lines in its own
/// connection handler and does take that last line as a request.)
/// Written by hand because NIOExtras' `LineBasedFrameDecoder` has no length limit, and an unlimited line is
/// how one peer could exhaust the other's memory.
public struct LineFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = ByteBuffer

    public var maxLength: Int { splitter.maxLength }
    private var splitter: LineSplitter

    public init(maxLength: Int) {
        self.splitter = LineSplitter(maxLength: maxLength)
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
        buffer.moveReaderIndex(to: buffer.writerIndex)
        return .needMoreData
    }
}
