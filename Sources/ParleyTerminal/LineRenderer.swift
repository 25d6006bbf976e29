/// The bytes that draw the prompt and the line being typed, and that print a message above it. Pure string
/// building (ANSI escape sequences) so the redraw is unit-tested without a terminal.
///
/// The line is drawn on one terminal row: when prompt and text are wider than the terminal, the text
/// scrolls sideways to keep the cursor in view, so no wrapped rows ever have to be tracked or cleared.
/// Each character is taken to be one column wide.
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
        let room = max(1, columns - prompt.count - 1)
        let start = max(0, position - room)
        let end = min(shown.count, start + room)
        let column = prompt.count + position - start
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
