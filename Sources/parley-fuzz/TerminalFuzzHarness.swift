import ParleyTerminal

/// The terminal client's hand-written line editor on arbitrary keyboard input (a paste can hold any bytes):
/// - `KeyDecoder` gives the same keys however the bytes are cut into reads;
/// - `LineEditor` applies every key, completing with Tab from the input's own words, and its cursor stays
///   within the line; what Enter submits is the line as it stood, and the next line starts empty; the line
///   never holds a control character, typed or pasted (it would act on the terminal when drawn);
/// - `LineRenderer` draws every state at a width taken from the input, down to a single column.
/// A difference or a broken rule stops the run (`fatalError`) and libFuzzer keeps the input.
enum TerminalFuzzHarness {
    static func run(_ bytes: [UInt8]) {
        var whole = KeyDecoder()
        let keys = whole.decode(bytes)
        var pieces = KeyDecoder()
        let piecewise = fuzzReads(bytes, longest: 7).flatMap { pieces.decode($0) }
        guard keys == piecewise else {
            fatalError("KeyDecoder read \(bytes) as \(keys) at once and as \(piecewise) in reads")
        }
        edit(keys, columns: 1 + Int(bytes.last ?? 0) % 100, candidates: words(in: bytes))
    }

    private static func edit(_ keys: [Key], columns: Int, candidates: [String]) {
        var editor = LineEditor()
        for (index, key) in keys.enumerated() {
            if index % 50 == 49 { editor.reset(secret: editor.characters.count % 2 == 0) }
            let before = editor.line
            var outcome = editor.apply(key)
            if outcome == .completionWanted { outcome = editor.complete(from: candidates) }
            if case .submitted(let line) = outcome, line != before || !editor.characters.isEmpty {
                fatalError("Enter on \(before.debugDescription) submitted \(line.debugDescription)")
            }
            if let control = editor.characters.first(where: LineEditor.isControl) {
                fatalError("the line holds the control \(control.debugDescription) after \(key)")
            }
            guard (0...editor.characters.count).contains(editor.cursor) else {
                fatalError("cursor \(editor.cursor) outside a line of \(editor.characters.count) after \(key)")
            }
            _ = LineRenderer.refresh(
                prompt: "> ", characters: editor.characters, cursor: editor.cursor, secret: editor.secret,
                columns: columns)
            if case .choices(let words) = outcome { _ = LineRenderer.choices(words) }
        }
    }

    /// The input's space-separated words, as names and commands Tab may complete to.
    private static func words(in bytes: [UInt8]) -> [String] {
        String(decoding: bytes, as: UTF8.self).split(whereSeparator: { $0 == " " || $0.isNewline }).prefix(20)
            .map(String.init)
    }
}
