import NIOCore

/// Splits a byte stream into lines of at most `maxLength` bytes (newline excluded; a trailing `\r` is
/// dropped): the framing of the server protocol and of direct private sessions, on both ends.
/// Written by hand because NIOExtras' `LineBasedFrameDecoder` has no length limit, and an unlimited line is
/// how one peer could exhaust the other's memory.
public struct LineFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = ByteBuffer

    public let maxLength: Int
    /// Whether a last line that ends without a newline when the stream closes is still delivered (the
    /// server treats it as a request; a client drops a frame it cannot be sure is whole).
    public let deliversUnterminatedLastLine: Bool
    /// Bytes already searched for a newline, so a long partial line is not rescanned on every read.
    private var scanned = 0

    public init(maxLength: Int, deliversUnterminatedLastLine: Bool = true) {
        self.maxLength = maxLength
        self.deliversUnterminatedLastLine = deliversUnterminatedLastLine
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        guard let newline = view[(view.startIndex + scanned)...].firstIndex(of: UInt8(ascii: "\n")) else {
            scanned = view.count
            if scanned > maxLength { throw LineTooLongError(limit: maxLength) }
            return .needMoreData
        }
        var length = newline - view.startIndex
        scanned = 0
        if length > 0, view[newline - 1] == UInt8(ascii: "\r") { length -= 1 }
        guard length <= maxLength else { throw LineTooLongError(limit: maxLength) }
        let line = buffer.getSlice(at: buffer.readerIndex, length: length)!
        buffer.moveReaderIndex(to: newline + 1)  // view indices are buffer indices
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

/// A peer sent a line longer than the limit; the connection is answered (where there is a protocol to
/// answer in) and closed.
public struct LineTooLongError: Error, Sendable {
    public let limit: Int
}
