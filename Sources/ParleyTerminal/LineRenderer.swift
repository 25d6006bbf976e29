/// The bytes that draw the prompt and the line being typed, and that print a message above it. Pure string
/// building (ANSI escape sequences) so the redraw is unit-tested without a terminal.
///
/// The line is drawn on one terminal row: when prompt and text are wider than the terminal, the text
/// scrolls sideways to keep the cursor in view, so no wrapped rows ever have to be tracked or cleared.
/// Widths are counted in columns (`ColumnWidth`): a Chinese character or an emoji takes two.
public enum LineRenderer {
    /// Back to column 0 and clear the row.
    public static let clearRow = "\r\u{1B}[K"
    /// Back to column 0 and clear the row and every row below it.
    public static let clearBelow = "\r\u{1B}[J"
    /// The cursor to the top left corner and the whole screen cleared (Ctrl-L).
    public static let clearScreen = "\u{1B}[H\u{1B}[2J"
    /// Asks the terminal to mark pasted text (`KeyDecoder` makes it one `Key.paste`); terminals that cannot
    /// ignore it, and pastes then arrive as typed keys.
    public static let bracketedPasteOn = "\u{1B}[?2004h"
    /// Pasted text is sent as typed again, as the shell the client returns to may expect.
    public static let bracketedPasteOff = "\u{1B}[?2004l"

    /// Redraws `prompt` and the visible part of `characters` on the current row, leaving the terminal's
    /// cursor on `cursor`. Secret lines show the prompt only.
    public static func refresh(prompt: String, characters: [Character], cursor: Int, secret: Bool, columns: Int)
        -> String
    {
        let shown = secret ? [] : characters
        let position = secret ? 0 : cursor
        let prompt = fitted(prompt, columns: columns)
        let promptColumns = ColumnWidth.of(prompt)
        // The last column stays empty, so the terminal never wraps the row.
        let room = max(1, columns - promptColumns - 1)
        // From the cursor back as far as fits, then forward from there as far as fits.
        let beforeCursor = ColumnWidth.prefix(of: shown[..<position].reversed(), fitting: room)
        let start = position - beforeCursor.count
        let end = start + ColumnWidth.prefix(of: shown[start...], fitting: room).count
        let column = promptColumns + beforeCursor.columns
        var output = "\r" + prompt + String(shown[start..<end]) + "\u{1B}[K\r"
        if column > 0 { output += "\u{1B}[\(column)C" }
        return output
    }

    /// What stays on the screen once a line is entered: nil when the row shows all of it already; for a line
    /// that scrolled sideways while it was typed, the row drawn again with the whole line, wrapped as
    /// `wrap` does and its later rows indented to where the typing began, so the scrollback shows what was
    /// sent and not the part that was last in view. Secret lines never reach this.
    public static func entered(prompt: String, line: String, columns: Int) -> String? {
        let prompt = fitted(prompt, columns: columns)
        let promptColumns = ColumnWidth.of(prompt)
        guard promptColumns + ColumnWidth.of(line) > columns - 1 else { return nil }
        let indent = promptColumns <= columns / 2 ? promptColumns : 2
        return clearRow + wrap(line, columns: columns, indent: indent, after: prompt).joined(separator: "\r\n")
    }

    /// Columns always left for typing after a prompt: ten, or half of a terminal narrower than twenty.
    public static func typingRoom(columns: Int) -> Int { min(10, columns / 2) }

    /// Whether `prompt` leaves `typingRoom` columns to type in on a terminal `columns` wide.
    public static func fits(_ prompt: String, columns: Int) -> Bool {
        ColumnWidth.of(prompt) + typingRoom(columns: columns) + 1 <= columns
    }

    /// `prompt`, or on a terminal too narrow for it, its end after "…" (the reader prints the whole of such
    /// a prompt above the line when it asks), so the row never wraps.
    static func fitted(_ prompt: String, columns: Int) -> String {
        guard !fits(prompt, columns: columns) else { return prompt }
        let room = max(0, columns - typingRoom(columns: columns) - 2)  // for the "…" and the empty last column
        return "…" + prompt.suffix(ColumnWidth.prefix(of: prompt.reversed(), fitting: room).count)
    }

    /// Prints `text` on its own row where the prompt was, then draws the prompt again below it.
    public static func printAbove(_ text: String, thenRedraw redraw: String) -> String {
        clearRow + text + "\r\n" + redraw
    }

    /// `text` as the rows it is printed on, at most `columns - 1` columns each: broken after the last space
    /// that fits (within a word only when a word is wider than a row), and every row after the first
    /// indented by `indent` spaces. Left to the terminal, a long message wraps anywhere and its next row
    /// starts at the left edge, where a message padded with spaces could show a line of its own that seems
    /// to come from someone else; indented, whatever follows the first row is plainly part of it.
    /// The first row begins with `lead` (a prompt), which is never broken.
    public static func wrap(_ text: String, columns: Int, indent: Int = 2, after lead: String = "") -> [String] {
        var rest = Substring(text)
        var rows: [String] = []
        while true {
            let prefix = rows.isEmpty ? lead : String(repeating: " ", count: indent)
            let room = max(1, columns - 1 - ColumnWidth.of(prefix))
            let end = rest.index(rest.startIndex, offsetBy: ColumnWidth.prefix(of: rest, fitting: room).count)
            guard end < rest.endIndex else {
                rows.append(prefix + rest)
                return rows
            }
            var cut = end
            if rest[end] == " " {
                // The row ends at the end of a word.
            } else if let space = rest[..<end].lastIndex(of: " "), space > rest.startIndex {
                cut = space
            } else if end == rest.startIndex {
                cut = rest.index(after: end)  // A character wider than the row gets one to itself.
            }
            var row = rest[..<cut]
            while row.last == " " { row.removeLast() }  // Spaces where a row breaks show nothing.
            rows.append(prefix + row)
            rest = rest[cut...].drop { $0 == " " }
            if rest.isEmpty { return rows }
        }
    }

    /// How far `wrap` should indent the rows after the first of `line`: under the second column of a table
    /// row such as `help` prints (`  name   description`), so what continues a description is not taken for
    /// another name; otherwise two spaces more than the line's own indentation.
    public static func continuationIndent(of line: String, columns: Int) -> Int {
        let characters = Array(line)
        let leading = characters.prefix { $0 == " " }.count
        guard leading > 0 else { return 2 }
        let gap = (leading..<max(leading, characters.count - 1)).first {
            characters[$0] == " " && characters[$0 + 1] == " "
        }
        guard let gap, let second = characters[gap...].firstIndex(where: { $0 != " " }) else { return leading + 2 }
        let column = ColumnWidth.of(characters[..<second])
        return column <= columns / 2 ? column : leading + 2
    }

    /// Tab's choices on one line, at most `limit` of them: on a server with thousands of users the first few
    /// tell the user to type more.
    public static func choices(_ words: [String], limit: Int = 40) -> String {
        let listed = words.prefix(limit).joined(separator: "  ")
        return words.count > limit ? listed + "  ..." : listed
    }
}
