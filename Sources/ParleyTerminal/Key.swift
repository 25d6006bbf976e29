/// A key press, decoded from the bytes a terminal in raw mode sends. Several byte sequences can mean the
/// same key (Ctrl-A and Home both go to the start of the line).
public enum Key: Sendable, Hashable {
    case character(Character)
    case enter
    case backspace
    /// Delete the character under the cursor (the Delete key).
    case delete
    case left, right, up, down
    /// Start of the line: Home or Ctrl-A.
    case home
    /// End of the line: End or Ctrl-E.
    case end
    /// Ctrl-U: delete from the start of the line to the cursor.
    case killToStart
    /// Ctrl-K: delete from the cursor to the end of the line.
    case killToEnd
    /// Ctrl-W: delete the word before the cursor.
    case deleteWord
    /// Tab: complete the word before the cursor.
    case tab
    /// Ctrl-C.
    case interrupt
    /// Ctrl-Z: stop the client as a shell job (`fg` brings it back), as in other terminal programs.
    case suspend
    /// Ctrl-D: end of input on an empty line, otherwise delete under the cursor.
    case endOfInput
    /// Ctrl-L: clear the screen and draw the line being typed again at its top, as shells do.
    case clearScreen
    /// Text pasted into a terminal in bracketed-paste mode, whole: it is inserted as typed text, its line
    /// breaks and tabs as spaces, so a paste never enters or completes a command by itself.
    case paste(String)
}
