import Foundation
import NIOCore
import ParleyProtocol

/// Writes the frames the server sends most (message and presence events, plain replies) as JSON straight
/// into a `ByteBuffer`, byte for byte what `WireCodec` writes (keys sorted, slashes unescaped, dates as
/// ISO 8601 UTC seconds), and hands every other frame to `WireCodec`.
///
/// Why: profiling the `dm` benchmark showed Foundation's `JSONEncoder` (and its `Data` result, copied once
/// more into a buffer) as the largest cost per delivered message. The wire format does not change; tests
/// compare this encoder's output with `WireCodec`'s for every frame shape it handles.
public struct FrameEncoder {
    private let codec = WireCodec()

    public init() {}

    public func encode(_ frame: ServerFrame, allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: Self.capacity(for: frame))
        encode(frame, into: &buffer)
        return buffer
    }

    /// Appends the frame to `buffer`: a connection's output gathered in one tick is encoded in place, one
    /// buffer instead of one per frame copied into it.
    public func encode(_ frame: ServerFrame, into buffer: inout ByteBuffer) {
        switch frame {
        case .event(.message(let message)):
            // Few, long static pieces (quotes included): each write into the buffer has a fixed cost.
            buffer.reserveCapacity(minimumWritableBytes: Self.capacity(for: frame))
            buffer.writeStaticString(#"{"event":"message","from":""#)
            buffer.writeJSONStringContents(message.from)
            if let sent = message.sent {
                buffer.writeStaticString(Self.kindThenSent(message.kind))
                buffer.writeISO8601(sent)
                buffer.writeStaticString(#"","text":""#)
            } else {
                buffer.writeStaticString(Self.kindThenText(message.kind))
            }
            buffer.writeJSONStringContents(message.text)
            buffer.writeStaticString("\"}\n")
        case .event(.presence(let user, let online)):
            buffer.writeStaticString(
                online
                    ? #"{"event":"presence","online":true,"user":""# : #"{"event":"presence","online":false,"user":""#)
            buffer.writeJSONStringContents(user)
            buffer.writeStaticString("\"}\n")
        case .reply(let reply) where reply.version == nil && reply.server == nil && reply.resume == nil:
            encodePlain(reply, into: &buffer)
        default:
            buffer.writeBytes(codec.line(frame))
        }
    }

    /// Enough for the frames written here without growing, unless their text needs escapes.
    private static func capacity(for frame: ServerFrame) -> Int {
        switch frame {
        case .event(.message(let message)): 96 + message.from.utf8.count + message.text.utf8.count
        case .event(.presence(let user, _)): 64 + user.utf8.count
        case .reply(let reply): 64 + (reply.error?.message.utf8.count ?? 0)  // a `users` list reserves its own
        default: 256
        }
    }

    /// From the quote that ends `from` to the quote that opens `text`.
    private static func kindThenText(_ kind: MessageKind) -> StaticString {
        switch kind {
        case .direct: #"","kind":"direct","text":""#
        case .broadcast: #"","kind":"broadcast","text":""#
        case .offline: #"","kind":"offline","text":""#
        }
    }

    /// From the quote that ends `from` to the quote that opens `sent`.
    private static func kindThenSent(_ kind: MessageKind) -> StaticString {
        switch kind {
        case .direct: #"","kind":"direct","sent":""#
        case .broadcast: #"","kind":"broadcast","sent":""#
        case .offline: #"","kind":"offline","sent":""#
        }
    }

    /// A reply with at most an error, `partial`, `stored`, `username`, `users` and `waiting`, in sorted key
    /// order, in as few writes as the optional fields allow. (A `users` list names every user it lists: with
    /// JSONEncoder, listing 100,000 took the event loop 35 ms.)
    private func encodePlain(_ reply: Reply, into buffer: inout ByteBuffer) {
        let opened: Bool
        if let error = reply.error {
            buffer.writeStaticString(#"{"error":{"code":""#)
            buffer.writeJSONStringContents(error.code.rawValue)
            buffer.writeStaticString(#"","message":""#)
            buffer.writeJSONStringContents(error.message)
            buffer.writeStaticString(#""},"#)
            opened = true
        } else {
            opened = false
        }
        switch reply.id {
        case .number(let number):
            buffer.writeStaticString(opened ? #""id":"# : #"{"id":"#)
            buffer.writeString(String(number))
            buffer.writeStaticString(reply.ok ? #","ok":true"# : #","ok":false"#)
        case .string(let string):
            buffer.writeStaticString(opened ? #""id":""# : #"{"id":""#)
            buffer.writeJSONStringContents(string)
            buffer.writeStaticString(reply.ok ? #"","ok":true"# : #"","ok":false"#)
        case nil:
            if !opened { buffer.writeStaticString("{") }
            buffer.writeStaticString(reply.ok ? #""ok":true"# : #""ok":false"#)
        }
        if let partial = reply.partial {
            buffer.writeStaticString(partial ? #","partial":true"# : #","partial":false"#)
        }
        if let stored = reply.stored {
            buffer.writeStaticString(stored ? #","stored":true"# : #","stored":false"#)
        }
        if let username = reply.username {
            buffer.writeStaticString(#","username":""#)
            buffer.writeJSONStringContents(username)
            buffer.writeStaticString("\"")
        }
        if let users = reply.users {
            buffer.reserveCapacity(minimumWritableBytes: users.reduce(16) { $0 + $1.utf8.count + 3 })
            buffer.writeStaticString(#","users":["#)
            for (index, user) in users.enumerated() {
                buffer.writeStaticString(index == 0 ? "\"" : ",\"")
                buffer.writeJSONStringContents(user)
                buffer.writeStaticString("\"")
            }
            buffer.writeStaticString("]")
        }
        if let waiting = reply.waiting {
            buffer.writeStaticString(#","waiting":"#)
            buffer.writeString(String(waiting))
        }
        buffer.writeStaticString("}\n")
    }
}

extension ByteBuffer {
    /// `string` inside a JSON string literal (the caller writes the quotes, as part of its static pieces),
    /// escaped as JSONEncoder escapes it: quote, backslash and control characters; everything else, including
    /// `/` and non-ASCII, as UTF-8.
    mutating func writeJSONStringContents(_ string: String) {
        var string = string
        string.withUTF8 { bytes in
            var clean = 0  // start of the run of bytes that need no escaping
            for (index, byte) in bytes.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[clean..<index])))
                clean = index + 1
                switch byte {
                case 0x22: writeStaticString("\\\"")
                case 0x5C: writeStaticString("\\\\")
                case 0x08: writeStaticString("\\b")
                case 0x0C: writeStaticString("\\f")
                case 0x0A: writeStaticString("\\n")
                case 0x0D: writeStaticString("\\r")
                case 0x09: writeStaticString("\\t")
                default:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    writeStaticString("\\u00")
                    writeInteger(hex[Int(byte >> 4)])
                    writeInteger(hex[Int(byte & 0x0F)])
                }
            }
            writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[clean...])))
        }
    }

    /// `date` as `yyyy-MM-ddTHH:mm:ssZ` in UTC, whole seconds, as JSONEncoder's `.iso8601` writes it.
    mutating func writeISO8601(_ date: Date) {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = Self.civilDate(daysSinceEpoch: days)
        writePadded(year, 4)
        writeStaticString("-")
        writePadded(month, 2)
        writeStaticString("-")
        writePadded(day, 2)
        writeStaticString("T")
        writePadded(secondOfDay / 3600, 2)
        writeStaticString(":")
        writePadded(secondOfDay / 60 % 60, 2)
        writeStaticString(":")
        writePadded(secondOfDay % 60, 2)
        writeStaticString("Z")
    }

    private mutating func writePadded(_ value: Int64, _ width: Int) {
        let digits = String(value)
        if digits.count < width { writeRepeatingByte(UInt8(ascii: "0"), count: width - digits.count) }
        writeString(digits)
    }

    /// Year, month and day of the proleptic Gregorian calendar (Howard Hinnant's `civil_from_days`).
    private static func civilDate(daysSinceEpoch: Int64) -> (Int64, Int64, Int64) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
