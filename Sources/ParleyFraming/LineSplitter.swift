import NIOCore

/// The one rule for cutting a byte stream into lines of at most `maxLength` bytes (newline excluded; a
/// trailing `\r` is dropped). `LineFrameDecoder` applies it in a channel pipeline; the server's connection
/// handler applies it directly, which spares every connection a pipeline handler and its buffers.
public struct LineSplitter: Sendable {
    public let maxLength: Int
    /// Bytes already searched for a newline, so a long partial line is not rescanned on every read.
    private var scanned = 0

    public init(maxLength: Int) {
        self.maxLength = maxLength
    }

    /// Takes the next whole line off the front of `buffer`, or returns nil when its newline has not arrived
    /// yet (the bytes stay in `buffer`). Throws as soon as a line is known to be too long.
    public mutating func nextLine(from buffer: inout ByteBuffer) throws(LineTooLongError) -> ByteBuffer? {
        let view = buffer.readableBytesView
        guard let newline = view[(view.startIndex + scanned)...].firstIndex(of: UInt8(ascii: "\n")) else {
            scanned = view.count
            // A line of the longest length may still end with the `\r` of a `\r\n` whose `\n` is to come.
            let allowance = view.last == UInt8(ascii: "\r") ? maxLength + 1 : maxLength
            if scanned > allowance { throw LineTooLongError(limit: maxLength) }
            return nil
        }
        var length = newline - view.startIndex
        scanned = 0
        if length > 0, view[newline - 1] == UInt8(ascii: "\r") { length -= 1 }
        guard length <= maxLength else { throw LineTooLongError(limit: maxLength) }
        let line = buffer.getSlice(at: buffer.readerIndex, length: length)!
        buffer.moveReaderIndex(to: newline + 1)  // view indices are buffer indices
        return line
    }
}

/// A peer sent a line longer than the limit; the connection is answered (where there is a protocol to
/// answer in) and closed.
public struct LineTooLongError: Error, Sendable {
    public let limit: Int
}
