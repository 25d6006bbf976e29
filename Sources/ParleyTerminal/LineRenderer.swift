/// The bytes that draw the prompt and the line being typed, and that print a message above it. Pure string
/// building (ANSI escape sequences) so the redraw is unit-tested without a terminal.
///
/// The line is drawn on one terminal row: when prompt and text are wider than the terminal, the text
/// scrolls sideways to keep the cursor in view, so no wrapped rows ever have to be tracked or cleared.
/// Widths are counted in columns (`ColumnWidth`): a Chinese character or an emoji takes two.
public enum LineRenderer {
    /// Back to column 0 and clear the row.
    public static let clearRow = "\r\u{1B}[K"

    /// Redraws `prompt` and the visible part of `characters` on the current row, leaving the terminal's
    /// cursor on `cursor`. Secret lines show the prompt only.
    public static func refresh(prompt: String, characters: [Character], cursor: Int, secret: Bool, columns: Int)
        -> String
    {
        let shown = secret ? [] : characters
        let position = secret ? 0 : cursor
        let promptColumns = ColumnWidth.of(prompt)
        // The last column stays empty, so the terminal never wraps the row.
        let room = max(1, columns - promptColumns - 1)
        // From the cursor back as far as fits, then forward from there as far as fits.
        var start = position
        var beforeCursor = 0
        while start > 0, beforeCursor + ColumnWidth.of(shown[start - 1]) <= room {
            start -= 1
            beforeCursor += ColumnWidth.of(shown[start])
        }
        var end = start
        var used = 0
        while end < shown.count, used + ColumnWidth.of(shown[end]) <= room {
            used += ColumnWidth.of(shown[end])
            end += 1
        }
        let column = promptColumns + beforeCursor
        var output = "\r" + prompt + String(shown[start..<end]) + "\u{1B}[K\r"
        if column > 0 { output += "\u{1B}[\(column)C" }
        return output
    }

    /// Prints `text` on its own row where the prompt was, then draws the prompt again below it.
    public static func printAbove(_ text: String, thenRedraw redraw: String) -> String {
        clearRow + text + "\r\n" + redraw
    }

    /// Tab's choices on one line, at most `limit` of them: on a server with thousands of users the first few
    /// tell the user to type more.
    public static func choices(_ words: [String], limit: Int = 40) -> String {
        let listed = words.prefix(limit).joined(separator: "  ")
        return words.count > limit ? listed + "  ..." : listed
    }
}
