import ParleyTerminal
import Testing

@Suite("Line editing: buffer, cursor and keys")
struct LineEditorTests {
    private func editor(typing text: String) -> LineEditor {
        var editor = LineEditor()
        for character in text { _ = editor.apply(.character(character)) }
        return editor
    }

    @Test func insertsAtTheCursor() {
        var editor = editor(typing: "helo")
        #expect(editor.apply(.left) == .edited)
        #expect(editor.apply(.character("l")) == .edited)
        #expect(editor.line == "hello")
        #expect(editor.cursor == 4)
    }

    /// Terminals send a character of several scalars one scalar at a time; the editor puts them back together,
    /// so the cursor moves over each as one.
    @Test func scalarsThatJoinTheCharacterBeforeBecomePartOfIt() {
        var editor = LineEditor()
        for scalar in "e\u{301}👍\u{1F3FB}🇺🇸x".unicodeScalars { _ = editor.apply(.character(Character(scalar))) }
        #expect(editor.characters == ["e\u{301}", "👍\u{1F3FB}", "🇺🇸", "x"])
        #expect(editor.cursor == 4)
        _ = editor.apply(.left)
        #expect(editor.apply(.backspace) == .edited)
        #expect(editor.line == "e\u{301}👍\u{1F3FB}x")
        #expect(editor.apply(.character("a")) == .edited)
        #expect(editor.line == "e\u{301}👍\u{1F3FB}ax")
    }

    @Test func leftAndRightStopAtTheEnds() {
        var editor = editor(typing: "ab")
        #expect(editor.apply(.right) == .unchanged)
        #expect(editor.apply(.left) == .edited)
        #expect(editor.apply(.left) == .edited)
        #expect(editor.apply(.left) == .unchanged)
        #expect(editor.cursor == 0)
    }

    @Test func backspaceDeletesBeforeTheCursor() {
        var editor = editor(typing: "abc")
        _ = editor.apply(.left)
        #expect(editor.apply(.backspace) == .edited)
        #expect(editor.line == "ac")
        #expect(editor.cursor == 1)
        _ = editor.apply(.home)
        #expect(editor.apply(.backspace) == .unchanged)
    }

    @Test func deleteRemovesUnderTheCursor() {
        var editor = editor(typing: "abc")
        _ = editor.apply(.home)
        #expect(editor.apply(.delete) == .edited)
        #expect(editor.line == "bc")
        _ = editor.apply(.end)
        #expect(editor.apply(.delete) == .unchanged)
    }

    @Test func controlAAndControlEMoveToTheEnds() {
        var editor = editor(typing: "message bob hi")
        _ = editor.apply(.home)
        #expect(editor.cursor == 0)
        _ = editor.apply(.character(">"))
        #expect(editor.line == ">message bob hi")
        _ = editor.apply(.end)
        #expect(editor.cursor == 15)
    }

    @Test func controlUDeletesToTheStartOfTheLine() {
        var editor = editor(typing: "hello world")
        for _ in 0..<5 { _ = editor.apply(.left) }
        #expect(editor.apply(.killToStart) == .edited)
        #expect(editor.line == "world")
        #expect(editor.cursor == 0)
    }

    @Test func controlKDeletesToTheEnd() {
        var editor = editor(typing: "hello world")
        for _ in 0..<6 { _ = editor.apply(.left) }
        _ = editor.apply(.killToEnd)
        #expect(editor.line == "hello")
        #expect(editor.cursor == 5)
    }

    @Test func controlWDeletesTheWordBeforeTheCursor() {
        var editor = editor(typing: "message bob  ")
        _ = editor.apply(.deleteWord)
        #expect(editor.line == "message ")
        _ = editor.apply(.deleteWord)
        #expect(editor.line == "")
    }

    @Test func enterSubmitsAndClears() {
        var editor = editor(typing: "whoelse")
        _ = editor.apply(.home)
        #expect(editor.apply(.enter) == .submitted("whoelse"))
        #expect(editor.line == "")
        #expect(editor.cursor == 0)
    }

    @Test func controlCInterruptsAndControlDEndsOnlyAnEmptyLine() {
        var editor = editor(typing: "ab")
        #expect(editor.apply(.interrupt) == .interrupted)
        _ = editor.apply(.home)
        #expect(editor.apply(.endOfInput) == .edited)
        #expect(editor.line == "b")
        _ = editor.apply(.backspace)
        _ = editor.apply(.delete)
        #expect(editor.line == "")
        #expect(editor.apply(.endOfInput) == .endOfInput)
    }

    @Test func historyRecallsEarlierLinesAndTheDraft() {
        var editor = LineEditor()
        for line in ["first", "second"] {
            for character in line { _ = editor.apply(.character(character)) }
            _ = editor.apply(.enter)
        }
        for character in "dra" { _ = editor.apply(.character(character)) }
        #expect(editor.apply(.up) == .edited)
        #expect(editor.line == "second")
        #expect(editor.cursor == 6)
        _ = editor.apply(.up)
        #expect(editor.line == "first")
        #expect(editor.apply(.up) == .unchanged)
        #expect(editor.line == "first")
        _ = editor.apply(.down)
        #expect(editor.line == "second")
        _ = editor.apply(.down)
        #expect(editor.line == "dra")
        #expect(editor.apply(.down) == .unchanged)
    }

    @Test func recalledLineCanBeEditedAndSubmitted() {
        var editor = editor(typing: "message bob hi")
        _ = editor.apply(.enter)
        _ = editor.apply(.up)
        _ = editor.apply(.character("!"))
        #expect(editor.apply(.enter) == .submitted("message bob hi!"))
        #expect(editor.history.entries == ["message bob hi", "message bob hi!"])
    }

    @Test func secretLinesAreNotRecordedNorRecalled() {
        var editor = editor(typing: "whoelse")
        _ = editor.apply(.enter)
        editor.reset(secret: true)
        for character in "hunter2" { _ = editor.apply(.character(character)) }
        #expect(editor.apply(.up) == .unchanged)
        #expect(editor.apply(.enter) == .submitted("hunter2"))
        #expect(editor.history.entries == ["whoelse"])
    }

    @Test func resetStartsAnEmptyLine() {
        var editor = editor(typing: "abc")
        editor.reset(secret: false)
        #expect(editor.line == "")
        #expect(editor.cursor == 0)
        #expect(!editor.secret)
    }

    // MARK: Completion with Tab

    @Test func tabAsksForCompletionExceptOnASecretLine() {
        var editor = editor(typing: "mess")
        #expect(editor.apply(.tab) == .completionWanted)
        editor.reset(secret: true)
        _ = editor.apply(.character("p"))
        #expect(editor.apply(.tab) == .unchanged)
    }

    @Test func theContextIsTheWordsBeforeAndThePartTypedOfTheCursorsWord() {
        var editor = editor(typing: "message  bo")
        #expect(editor.completionContext.previousWords == ["message"])
        #expect(editor.completionContext.partial == "bo")
        _ = editor.apply(.home)
        #expect(editor.completionContext.previousWords == [])
        #expect(editor.completionContext.partial == "")
        editor = self.editor(typing: "block ")
        #expect(editor.completionContext.previousWords == ["block"])
        #expect(editor.completionContext.partial == "")
    }

    @Test func oneCandidateIsPutInWholeWithASpace() {
        var editor = editor(typing: "message b")
        #expect(editor.complete(from: ["bob"]) == .edited)
        #expect(editor.line == "message bob ")
        #expect(editor.cursor == 12)
    }

    @Test func severalCandidatesArePutInAsFarAsTheyAgreeThenShown() {
        var editor = editor(typing: "block b")
        #expect(editor.complete(from: ["bobby", "bobcat", "bob"]) == .edited)
        #expect(editor.line == "block bob")
        #expect(editor.complete(from: ["bobby", "bobcat", "bob"]) == .choices(["bob", "bobby", "bobcat"]))
        #expect(editor.line == "block bob")
    }

    @Test func nothingToCompleteChangesNothing() {
        var editor = editor(typing: "message z")
        #expect(editor.complete(from: []) == .unchanged)
        #expect(editor.complete(from: ["bob"]) == .unchanged)  // does not start with what is typed
        #expect(editor.line == "message z")
    }

    @Test func completingInsideTheLineKeepsWhatFollows() {
        var editor = editor(typing: "message b hello")
        for _ in 0..<6 { _ = editor.apply(.left) }
        #expect(editor.complete(from: ["bob"]) == .edited)
        #expect(editor.line == "message bob hello")
        #expect(editor.cursor == 11)
    }

    /// Pasted lines stay in the line being typed: nothing is sent or completed until Enter.
    @Test func aPasteIsInsertedAtTheCursorWithItsLineBreaksAsSpaces() {
        var editor = editor(typing: "message bob !")
        _ = editor.apply(.left)
        #expect(editor.apply(.paste("first line\r\nsecond\tline\n\nlogout\n")) == .edited)
        #expect(editor.line == "message bob first line second line  logout!")
        #expect(editor.cursor == editor.characters.count - 1)
    }

    @Test func controlsInAPasteAreLeftOut() {
        var editor = LineEditor()
        #expect(editor.apply(.paste("\u{1B}[2Jred\u{7}\u{9B}")) == .edited)
        #expect(editor.line == "[2Jred")
        #expect(editor.apply(.paste("\r\n\u{1B}")) == .unchanged)
        #expect(editor.line == "[2Jred")
    }

    @Test func aPastedPasswordIsKeptSecretAndWaitsForEnter() {
        var editor = LineEditor()
        editor.reset(secret: true)
        #expect(editor.apply(.paste("s3cret\n")) == .edited)
        #expect(editor.apply(.enter) == .submitted("s3cret"))
        #expect(editor.history.entries.isEmpty)
    }

    @Test func aPastedCharacterJoinsTheOneBeforeTheCursor() {
        var editor = editor(typing: "e")
        _ = editor.apply(.paste("\u{301}x"))
        #expect(editor.characters == ["e\u{301}", "x"])
    }

    @Test func candidatesWithControlCharactersAreNotCompleted() {
        var editor = editor(typing: "message b")
        #expect(editor.apply(.tab) == .completionWanted)
        #expect(editor.complete(from: ["b\u{1B}[2J", "bo\tb", "bob"]) == .edited)
        #expect(editor.line == "message bob ")
    }
}
