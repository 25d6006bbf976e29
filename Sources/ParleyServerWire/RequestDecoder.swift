import Foundation
import NIOCore
import ParleyProtocol

/// Decodes request lines for the server. Requests are flat JSON objects of strings, integers and booleans;
/// a small scanner reads those straight from the line's bytes into a `Request`. Anything it is not sure of
/// (nesting, `null`, fractions, a duplicate key, a missing or mistyped field, an unknown op, invalid JSON)
/// goes to `WireCodec`, which decides and writes every error reply, so behaviour is exactly the codec's.
///
/// Why: profiling the `dm` benchmark showed Foundation's `JSONDecoder` (with a `Data` copy of every line) as
/// the second largest cost per message after the encoder. Tests compare this decoder with `WireCodec`.
public struct RequestDecoder {
    private let codec = WireCodec()

    public init() {}

    public func decode(_ line: ByteBuffer) -> Result<Request, RequestDecodingFailure> {
        if let request = line.withUnsafeReadableBytes({ bytes in
            var scanner = FlatJSONScanner(bytes)
            return scanner.object().flatMap(Self.request(from:))
        }) {
            return .success(request)
        }
        return codec.decodeRequest(Data(line.readableBytesView))
    }

    /// The request the fields describe, built as `Request.init(from:)` builds it; nil when unsure.
    static func request(from fields: FlatJSONScanner.Fields) -> Request? {
        let id: RequestID
        switch fields["id"] {
        case .integer(let number): id = .number(number)
        case .string(let string): id = .string(string)
        default: return nil
        }
        guard case .string(let op) = fields["op"] else { return nil }
        func string(_ key: String) -> String? {
            if case .string(let value) = fields[key] { return value }
            return nil
        }
        func integer(_ key: String) -> Int? {
            if case .integer(let value) = fields[key] { return value }
            return nil
        }
        let command: Command
        switch op {
        case "message":
            guard let to = string("to"), let text = string("text") else { return nil }
            command = .message(to: to, text: text)
        case "broadcast":
            guard let text = string("text") else { return nil }
            command = .broadcast(text: text)
        case "hello":
            // Once per connection: `receipts` and `resumable` are left to the codec.
            guard let version = integer("version"), fields["receipts"] == nil, fields["resumable"] == nil else {
                return nil
            }
            if fields["client"] != nil, string("client") == nil { return nil }
            command = .hello(version: version, client: string("client"))
        case "login":
            guard let username = string("username"), let password = string("password") else { return nil }
            command = .login(username: username, password: password)
        case "ping": command = .ping
        case "activity": command = .activity
        case "whoelse": command = .whoelse
        case "logout": command = .logout
        default:
            return nil  // the rarer requests take the codec's path
        }
        return Request(id: id, command: command)
    }
}

/// Reads one JSON object whose values are strings, integers or booleans, from raw bytes. Returns nil, never
/// throws, for anything else: the caller then asks the full decoder.
struct FlatJSONScanner {
    enum Value: Equatable {
        case string(String)
        case integer(Int)
        case boolean(Bool)
    }

    /// An object's fields in the order read. A request has a handful, so a linear search beats hashing.
    struct Fields {
        fileprivate var pairs: [(key: String, value: Value)] = []

        subscript(key: String) -> Value? {
            for pair in pairs where pair.key == key { return pair.value }
            return nil
        }

        /// Adds a field; false if the key is already there.
        fileprivate mutating func add(_ key: String, _ value: Value) -> Bool {
            guard self[key] == nil else { return false }
            pairs.append((key, value))
            return true
        }
    }

    private let bytes: UnsafeRawBufferPointer
    private var position = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    mutating func object() -> Fields? {
        var fields = Fields()
        fields.pairs.reserveCapacity(6)
        skipWhitespace()
        guard take(UInt8(ascii: "{")) else { return nil }
        skipWhitespace()
        if !take(UInt8(ascii: "}")) {
            repeat {
                skipWhitespace()
                guard let key = string() else { return nil }
                skipWhitespace()
                guard take(UInt8(ascii: ":")) else { return nil }
                skipWhitespace()
                guard let value = value(), fields.add(key, value) else { return nil }
                skipWhitespace()
            } while take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "}")) else { return nil }
        }
        skipWhitespace()
        return position == bytes.count ? fields : nil
    }

    private mutating func value() -> Value? {
        guard position < bytes.count else { return nil }
        switch bytes[position] {
        case UInt8(ascii: "\""): return string().map(Value.string)
        case UInt8(ascii: "t"): return literal("true") ? .boolean(true) : nil
        case UInt8(ascii: "f"): return literal("false") ? .boolean(false) : nil
        default: return integer().map(Value.integer)
        }
    }

    /// An integer without fraction or exponent, and without leading zeros (as JSON demands).
    private mutating func integer() -> Int? {
        let negative = take(UInt8(ascii: "-"))
        let start = position
        var value = 0
        while position < bytes.count, let digit = Self.digit(bytes[position]) {
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) =
                negative ? times.subtractingReportingOverflow(digit) : times.addingReportingOverflow(digit)
            guard !overflow1, !overflow2 else { return nil }
            value = next
            position += 1
        }
        let count = position - start
        guard count > 0, !(count > 1 && bytes[start] == UInt8(ascii: "0")) else { return nil }
        if position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): return nil
            default: break
            }
        }
        return value
    }

    /// A string; the common case without escapes is one validated copy of the bytes.
    private mutating func string() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = position
        var ascii = true
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let text = Self.text(UnsafeRawBufferPointer(rebasing: bytes[start..<position]), ascii: ascii)
                position += 1
                return text
            }
            if byte >= 0x80 { ascii = false }
            if byte == UInt8(ascii: "\\") {
                position = start
                return escapedString()
            }
            guard byte >= 0x20 else { return nil }  // raw control characters are not JSON
            position += 1
        }
        return nil
    }

    /// The bytes as a String, nil if they are not UTF-8. Through a typed buffer: `String(validating:as:)` on
    /// a raw buffer took the generic path (a metadata lookup and a byte at a time), 8 % of the server's CPU in
    /// the `dm` benchmark at full speed. ASCII needs no validation at all.
    private static func text(_ raw: UnsafeRawBufferPointer, ascii: Bool) -> String? {
        raw.withMemoryRebound(to: UInt8.self) { utf8 in
            ascii ? String(decoding: utf8, as: UTF8.self) : String(validating: utf8, as: UTF8.self)
        }
    }

    /// The slow path of `string`, from just after the opening quote.
    private mutating func escapedString() -> String? {
        var utf8: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(validating: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard position < bytes.count else { return nil }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"):
                    guard let scalar = unicodeEscape() else { return nil }
                    utf8.append(contentsOf: Array(String(Character(scalar)).utf8))
                default: return nil
                }
            default:
                guard byte >= 0x20 else { return nil }
                utf8.append(byte)
            }
        }
        return nil
    }

    /// `XXXX` after `\u`, with a following `\uXXXX` low surrogate when the first is a high one.
    private mutating func unicodeEscape() -> Unicode.Scalar? {
        guard let high = hex4() else { return nil }
        if (0xD800..<0xDC00).contains(high) {
            guard literal("\\u"), let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
            return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
        }
        return Unicode.Scalar(high)  // nil for a lone low surrogate
    }

    private mutating func hex4() -> UInt32? {
        guard position + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = Int(String(UnicodeScalar(bytes[position])), radix: 16) else { return nil }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count,
            memcmp(bytes.baseAddress! + position, word.utf8Start, count) == 0
        else { return false }
        position += count
        return true
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): position += 1
            default: return
            }
        }
    }

    private static func digit(_ byte: UInt8) -> Int? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte - UInt8(ascii: "0")) : nil
    }
}
