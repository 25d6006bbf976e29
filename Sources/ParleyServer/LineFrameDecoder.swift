import NIOCore

/// Splits the byte stream into lines of at most `maxLength` bytes (newline excluded; a trailing `\r` is
/// dropped). Written by hand because NIOExtras' `LineBasedFrameDecoder` has no length limit, and an
/// unlimited line is how one client could exhaust the server's memory.
struct LineFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    let maxLength: Int
    /// Bytes already searched for a newline, so a long partial line is not rescanned on every read.
    private var scanned = 0

    init(maxLength: Int) {
        self.maxLength = maxLength
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
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

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws
        -> DecodingState
    {
        // A last line without its newline is still a request.
        while try decode(context: context, buffer: &buffer) == .continue {}
        if buffer.readableBytes > 0, seenEOF {
            let line = buffer.readSlice(length: buffer.readableBytes)!
            context.fireChannelRead(wrapInboundOut(line))
        }
        return .needMoreData
    }
}

/// A client sent a line longer than the limit; the connection is answered with an error and closed.
struct LineTooLongError: Error {
    let limit: Int
}
