import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The text of every bench message: `|T|SENDER|SENT_NS|` and padding to a fixed length. The receiver finds it
/// by its marker in the raw line, whatever the protocol around it (JSON or IRC), without decoding the line,
/// and computes the latency from the monotonic send time.
enum MessageStamp {
    static let marker: [UInt8] = Array("|T|".utf8)

    /// Writes the stamped text for a message from global client `sender`, `length` bytes in all.
    static func write(sender: Int, sentAt: UInt64, length: Int, into buffer: inout ByteBuffer) {
        let start = buffer.writerIndex
        buffer.writeBytes(marker)
        buffer.writeDecimal(UInt64(sender))
        buffer.writeInteger(UInt8(ascii: "|"))
        buffer.writeDecimal(sentAt)
        buffer.writeInteger(UInt8(ascii: "|"))
        let padding = length - (buffer.writerIndex - start)
        if padding > 0 { buffer.writeRepeatingByte(UInt8(ascii: "x"), count: padding) }
    }

    /// The sender and send time of a stamped message in `line`, or nil if the line carries none.
    static func parse(_ line: UnsafeRawBufferPointer) -> (sender: Int, sentAt: UInt64)? {
        guard let found = marker.withUnsafeBytes({ firstOffset(of: $0, in: line) }) else { return nil }
        var position = found + marker.count
        guard let sender = readDecimal(line, &position), let sentAt = readDecimal(line, &position) else { return nil }
        return (Int(sender), sentAt)
    }

    /// Digits up to the next `|`, which is skipped.
    private static func readDecimal(_ line: UnsafeRawBufferPointer, _ position: inout Int) -> UInt64? {
        var value: UInt64 = 0
        var digits = 0
        while position < line.count {
            let byte = line[position]
            position += 1
            if byte == UInt8(ascii: "|") { return digits > 0 ? value : nil }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value &* 10 &+ UInt64(byte - UInt8(ascii: "0"))
            digits += 1
        }
        return nil
    }
}

extension ByteBuffer {
    /// Writes `value` in decimal ASCII without making a String.
    mutating func writeDecimal(_ value: UInt64) {
        var digits = 1
        var rest = value / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        writeWithUnsafeMutableBytes(minimumWritableBytes: digits) { bytes in
            var remaining = value
            for position in stride(from: digits - 1, through: 0, by: -1) {
                bytes[position] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
            }
            return digits
        }
    }

    mutating func writeDecimal(_ value: Int) {
        writeDecimal(UInt64(value))
    }
}

/// Where `needle` first occurs in `haystack`: memchr for its first byte, memcmp for the rest.
/// (Glibc's memmem is not visible to Swift without _GNU_SOURCE.)
func firstOffset(of needle: UnsafeRawBufferPointer, in haystack: UnsafeRawBufferPointer) -> Int? {
    guard let base = haystack.baseAddress, let first = needle.first, let needleBase = needle.baseAddress else {
        return nil
    }
    var offset = 0
    while haystack.count - offset >= needle.count {
        guard let hit = memchr(base + offset, Int32(first), haystack.count - offset - needle.count + 1) else {
            return nil
        }
        let position = base.distance(to: UnsafeRawPointer(hit))
        if memcmp(base + position, needleBase, needle.count) == 0 { return position }
        offset = position + 1
    }
    return nil
}

/// Whether `line` contains `needle`.
func contains(_ line: UnsafeRawBufferPointer, _ needle: StaticString) -> Bool {
    firstOffset(of: UnsafeRawBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount), in: line) != nil
}

/// Whether `line` begins with `prefix`.
func hasPrefix(_ line: UnsafeRawBufferPointer, _ prefix: StaticString) -> Bool {
    guard let base = line.baseAddress, line.count >= prefix.utf8CodeUnitCount else { return false }
    return memcmp(base, prefix.utf8Start, prefix.utf8CodeUnitCount) == 0
}
