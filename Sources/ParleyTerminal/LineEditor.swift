/// The editing state of the line being typed: characters, cursor and history, changed one key at a time.
/// It does no I/O; `TerminalLineReader` feeds it keys and draws it with `LineRenderer`.
public struct LineEditor: Sendable {
    /// What a key did.
    public enum Outcome: Sendable, Hashable {
        /// Nothing changed (a key with no effect here).
        case unchanged
        /// The line or cursor changed: redraw.
        case edited
        case submitted(String)
        /// Ctrl-C.
        case interrupted
        /// Ctrl-D on an empty line.
        case endOfInput
        /// Tab: the reader looks up what the word before the cursor may become (`completionContext`) and
        /// hands it to `complete(from:)`.
        case completionWanted
        /// Tab found several words that differ right after what is typed: show them.
        case choices([String])
    }

    public private(set) var characters: [Character] = []
    public private(set) var cursor = 0
    /// Secret lines (passwords) are neither shown nor recorded nor recalled.
    public private(set) var secret = false
    public private(set) var history: History

    public init(history: History = History()) {
        self.history = history
    }

    public var line: String { String(characters) }

    /// `first` and `second` as one character, if Unicode's rules make them one.
    private static func joining(_ first: Character, _ second: Character) -> Character? {
        let joined = String(first) + String(second)
        return joined.count == 1 ? joined.first : nil
    }

    /// Starts a new, empty line.
    public mutating func reset(secret: Bool) {
        characters = []
        cursor = 0
        self.secret = secret
        history.stopBrowsing()
    }

    public mutating func apply(_ key: Key) -> Outcome {
        switch key {
        case .paste(let text):
            let pasted = Self.typeable(text)
            guard !pasted.isEmpty else { return .unchanged }
            for character in pasted { insert(character) }
        case .character(let character):
            // A terminal sends a character made of several scalars (an accent typed after its letter, an emoji
            // with a skin tone, a flag) one scalar at a time: one that joins the character before the cursor
            // becomes part of it, so the cursor never stops inside a character nor counts it twice.
            insert(character)
        case .enter:
            let submitted = line
            if !secret { history.add(submitted) }
            characters = []
            cursor = 0
            return .submitted(submitted)
        case .backspace:
            guard cursor > 0 else { return .unchanged }
            cursor -= 1
            characters.remove(at: cursor)
        case .delete:
            guard cursor < characters.count else { return .unchanged }
            characters.remove(at: cursor)
        case .left:
            guard cursor > 0 else { return .unchanged }
            cursor -= 1
        case .right:
            guard cursor < characters.count else { return .unchanged }
            cursor += 1
        case .home:
            cursor = 0
        case .end:
            cursor = characters.count
        case .killToStart:
            characters.removeFirst(cursor)
            cursor = 0
        case .killToEnd:
            characters.removeLast(characters.count - cursor)
        case .deleteWord:
            var start = cursor
            while start > 0, characters[start - 1] == " " { start -= 1 }
            while start > 0, characters[start - 1] != " " { start -= 1 }
            characters.removeSubrange(start..<cursor)
            cursor = start
        case .up:
            guard !secret, let entry = history.previous(current: line) else { return .unchanged }
            replace(with: entry)
        case .down:
            guard !secret, let entry = history.next() else { return .unchanged }
            replace(with: entry)
        case .tab:
            return secret ? .unchanged : .completionWanted
        case .interrupt:
            return .interrupted
        case .suspend, .clearScreen:
            return .unchanged  // The reader stops the process or clears the screen; the line stays as it is.
        case .endOfInput:
            if characters.isEmpty { return .endOfInput }
            guard cursor < characters.count else { return .unchanged }
            characters.remove(at: cursor)
        }
        return .edited
    }

    private mutating func insert(_ character: Character) {
        if cursor > 0, let joined = Self.joining(characters[cursor - 1], character) {
            characters[cursor - 1] = joined
        } else {
            characters.insert(character, at: cursor)
            cursor += 1
        }
    }

    /// Pasted text as it can stand in one line: each line break (CR LF counts as one) and tab becomes a space,
    /// line breaks at its end are dropped (a copied line often takes its newline along), and other controls,
    /// which would act on the terminal when the line is drawn, are left out.
    static func typeable(_ text: String) -> [Character] {
        var result: [Character] = []
        var breaks = 0
        for character in text {
            if character.isNewline {
                breaks += 1
                continue
            }
            let kept: Character? = character == "\t" ? " " : Self.isControl(character) ? nil : character
            guard let kept else { continue }
            result.append(contentsOf: repeatElement(" ", count: breaks))
            breaks = 0
            result.append(kept)
        }
        return result
    }

    /// Whether `character` holds a control (C0, DEL or C1), which would act on the terminal when drawn.
    public static func isControl(_ character: Character) -> Bool {
        character.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    private mutating func replace(with entry: String) {
        characters = Array(entry)
        cursor = characters.count
    }

    /// The whole words before the one the cursor is in, and the part of that word before the cursor.
    public var completionContext: (previousWords: [String], partial: String) {
        let start = characters[..<cursor].lastIndex(of: " ").map { $0 + 1 } ?? 0
        let previous = characters[..<start].split(separator: " ").map { String($0) }
        return (previous, String(characters[start..<cursor]))
    }

    /// Completes the word before the cursor from `candidates`, the words it may become: one is put in whole,
    /// followed by a space; several are put in as far as they agree, and where they differ at once they are
    /// the outcome, for the reader to show. Candidates that do not start with what is typed are ignored, and so
    /// are any with a control character, which the line never holds.
    public mutating func complete(from candidates: [String]) -> Outcome {
        let partial = completionContext.partial
        let matching = Array(Set(candidates.filter { $0.hasPrefix(partial) && !$0.contains(where: Self.isControl) }))
            .sorted()
        guard let first = matching.first else { return .unchanged }
        let common = matching.dropFirst().reduce(Array(first)) { prefix, word in
            Array(zip(prefix, word).prefix { $0 == $1 }.map(\.0))
        }
        var addition = Array(common.dropFirst(partial.count))
        if matching.count == 1, cursor == characters.count || characters[cursor] != " " { addition.append(" ") }
        guard !addition.isEmpty else { return matching.count > 1 ? .choices(matching) : .unchanged }
        characters.insert(contentsOf: addition, at: cursor)
        cursor += addition.count
        return .edited
    }
}
