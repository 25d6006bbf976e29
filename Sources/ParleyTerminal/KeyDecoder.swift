/// Turns the bytes read from a raw-mode terminal into `Key`s: UTF-8 characters, control keys and the
/// ANSI/VT escape sequences of arrows, Home, End and Delete. Bytes of a sequence split across reads are
/// kept until the rest arrives. Pure, so it is tested byte by byte.
///
/// Text pasted into a terminal that brackets pastes (`LineRenderer.bracketedPasteOn`) arrives between
/// `ESC [ 200 ~` and `ESC [ 201 ~` and becomes one `Key.paste`, so the line breaks and tabs inside it are not
/// taken for Enter and Tab. At most `pasteLimit` bytes of a paste are kept: no line longer than that could be
/// sent anyway.
public struct KeyDecoder: Sendable {
    public static let pasteLimit = 65_536
    private static let pasteStart = "200"
    private static let pasteEnd: [UInt8] = Array("\u{1B}[201~".utf8)

    private var pending: [UInt8] = []
    /// The bytes of a paste whose end has not arrived yet; `nil` outside a paste.
    private var paste: [UInt8]?
    /// A CR was the last thing seen, so an LF right after it is the same Enter.
    private var afterCarriageReturn = false

    public init() {}

    public mutating func decode(_ bytes: some Sequence<UInt8>) -> [Key] {
        pending.append(contentsOf: bytes)
        var keys: [Key] = []
        var index = 0
        while index < pending.count {
            if paste != nil {
                guard let key = takePaste(from: &index) else { break }
                keys.append(key)
                continue
            }
            guard let (key, length) = decodeOne(at: index) else { break }
            index += length
            if let key { keys.append(key) }
        }
        pending.removeFirst(index)
        return keys
    }

    /// Moves the pasted bytes from `index` on into `paste`, and returns the paste once its end marker is
    /// there. Bytes that may be the start of the marker stay pending until the next read.
    private mutating func takePaste(from index: inout Int) -> Key? {
        let end = pending[index...].indices.first { pending[$0...].starts(with: Self.pasteEnd) }
        // Without the marker, the tail that could still become it waits for more bytes.
        let tail = max(index, pending.count - (Self.pasteEnd.count - 1))
        let taken = end ?? (tail..<pending.count).first { Self.pasteEnd.starts(with: pending[$0...]) } ?? pending.count
        paste!.append(contentsOf: pending[index..<taken].prefix(max(0, Self.pasteLimit - paste!.count)))
        guard let end else {
            index = taken
            return nil
        }
        index = end + Self.pasteEnd.count
        defer { paste = nil }
        return .paste(String(decoding: paste!, as: UTF8.self))
    }

    /// The key at `index` (or `nil` for bytes that mean nothing to the editor) and how many bytes it took,
    /// or `nil` if the bytes so far are only the start of a sequence.
    private mutating func decodeOne(at index: Int) -> (Key?, Int)? {
        let byte = pending[index]
        let wasAfterCR = afterCarriageReturn
        afterCarriageReturn = false
        switch byte {
        case 0x1B: return decodeEscape(at: index)
        case 0x0D:
            afterCarriageReturn = true
            return (.enter, 1)
        case 0x0A: return (wasAfterCR ? nil : .enter, 1)
        case 0x7F, 0x08: return (.backspace, 1)
        case 0x01: return (.home, 1)
        case 0x05: return (.end, 1)
        case 0x02: return (.left, 1)
        case 0x06: return (.right, 1)
        case 0x10: return (.up, 1)
        case 0x0E: return (.down, 1)
        case 0x15: return (.killToStart, 1)
        case 0x0B: return (.killToEnd, 1)
        case 0x17: return (.deleteWord, 1)
        case 0x03: return (.interrupt, 1)
        case 0x1A: return (.suspend, 1)
        case 0x04: return (.endOfInput, 1)
        case 0x09: return (.tab, 1)
        case 0x0C: return (.clearScreen, 1)
        case 0x00..<0x20: return (nil, 1)
        default: return decodeUTF8(at: index)
        }
    }

    private mutating func decodeEscape(at index: Int) -> (Key?, Int)? {
        guard index + 1 < pending.count else { return nil }
        switch pending[index + 1] {
        case UInt8(ascii: "["):
            // CSI: parameter bytes, then one final byte in 0x40...0x7E.
            var end = index + 2
            while end < pending.count, !(0x40...0x7E).contains(pending[end]) {
                end += 1
                if end - index > 16 { return (nil, end - index) }
            }
            guard end < pending.count else { return nil }
            let parameters = String(decoding: pending[(index + 2)..<end], as: UTF8.self)
            if pending[end] == UInt8(ascii: "~"), parameters == Self.pasteStart {
                paste = []
                return (nil, end - index + 1)
            }
            return (csiKey(final: pending[end], parameters: parameters), end - index + 1)
        case UInt8(ascii: "O"):
            guard index + 2 < pending.count else { return nil }
            return (csiKey(final: pending[index + 2], parameters: ""), 3)
        default:
            // Escape followed by anything else (Alt+key): the escape is dropped, the key is read on its own.
            return (nil, 1)
        }
    }

    private func csiKey(final: UInt8, parameters: String) -> Key? {
        switch (final, parameters) {
        case (UInt8(ascii: "A"), _): .up
        case (UInt8(ascii: "B"), _): .down
        case (UInt8(ascii: "C"), _): .right
        case (UInt8(ascii: "D"), _): .left
        case (UInt8(ascii: "H"), _), (UInt8(ascii: "~"), "1"), (UInt8(ascii: "~"), "7"): .home
        case (UInt8(ascii: "F"), _), (UInt8(ascii: "~"), "4"), (UInt8(ascii: "~"), "8"): .end
        case (UInt8(ascii: "~"), "3"): .delete
        default: nil
        }
    }

    private func decodeUTF8(at index: Int) -> (Key?, Int)? {
        let lead = pending[index]
        let length: Int
        switch lead {
        case 0x20..<0x80: length = 1
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return (nil, 1)
        }
        guard index + length <= pending.count else { return nil }
        let bytes = pending[index..<(index + length)]
        guard bytes.dropFirst().allSatisfy({ $0 & 0xC0 == 0x80 }),
            let character = String(validating: bytes, as: UTF8.self)?.first
        else { return (nil, 1) }
        // C1 controls (U+0080 to U+009F) would act on the terminal when the line is drawn, as escapes do.
        guard character.unicodeScalars.first!.properties.generalCategory != .control else { return (nil, length) }
        return (.character(character), length)
    }
}
