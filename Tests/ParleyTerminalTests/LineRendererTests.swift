import ParleyTerminal
import Testing

@Suite("Redrawing the prompt and printing above it")
struct LineRendererTests {
    @Test func drawsPromptAndLineWithCursorAtTheEnd() {
        let output = LineRenderer.refresh(
            prompt: "> ", characters: Array("hello"), cursor: 5, secret: false, columns: 80)
        #expect(output == "\r> hello\u{1B}[K\r\u{1B}[7C")
    }

    @Test func placesTheCursorInsideTheLine() {
        let output = LineRenderer.refresh(
            prompt: "> ", characters: Array("hello"), cursor: 1, secret: false, columns: 80)
        #expect(output == "\r> hello\u{1B}[K\r\u{1B}[3C")
    }

    @Test func cursorAtColumnZeroNeedsNoMove() {
        let output = LineRenderer.refresh(prompt: "", characters: [], cursor: 0, secret: false, columns: 80)
        #expect(output == "\r\u{1B}[K\r")
    }

    @Test func secretLinesShowOnlyThePrompt() {
        let output = LineRenderer.refresh(
            prompt: "Password: ", characters: Array("hunter2"), cursor: 7, secret: true, columns: 80)
        #expect(output == "\rPassword: \u{1B}[K\r\u{1B}[10C")
        #expect(!output.contains("hunter2"))
    }

    @Test func longLinesScrollToKeepTheCursorVisible() {
        // 12 columns, prompt of 2: room for 9 characters.
        let line = Array("abcdefghijklmnop")
        let atEnd = LineRenderer.refresh(prompt: "> ", characters: line, cursor: 16, secret: false, columns: 12)
        #expect(atEnd == "\r> hijklmnop\u{1B}[K\r\u{1B}[11C")
        let atStart = LineRenderer.refresh(prompt: "> ", characters: line, cursor: 0, secret: false, columns: 12)
        #expect(atStart == "\r> abcdefghi\u{1B}[K\r\u{1B}[2C")
    }

    /// A Chinese character takes two columns: counted as one, a long line overflowed its row, the terminal
    /// wrapped it, and every redraw left a copy of the line on the row above.
    @Test func wideCharactersCountTwoColumnsSoTheLineNeverWraps() {
        // 12 columns, prompt of 2: room for 9 columns, so four of these at most.
        let line = Array("你好世界你好")
        let atEnd = LineRenderer.refresh(prompt: "> ", characters: line, cursor: 6, secret: false, columns: 12)
        #expect(atEnd == "\r> 世界你好\u{1B}[K\r\u{1B}[10C")
        let atStart = LineRenderer.refresh(prompt: "> ", characters: line, cursor: 0, secret: false, columns: 12)
        #expect(atStart == "\r> 你好世界\u{1B}[K\r\u{1B}[2C")
        let inside = LineRenderer.refresh(prompt: "> ", characters: line, cursor: 1, secret: false, columns: 80)
        #expect(inside == "\r> 你好世界你好\u{1B}[K\r\u{1B}[4C")
    }

    @Test func mixedWidthsFillTheRowAsFarAsTheyFit() {
        // Room for 9 columns: "ab" (2) and three wide characters (6) make 8; the next wide one would make 10.
        let line = Array("ab你好世界")
        let output = LineRenderer.refresh(prompt: "> ", characters: line, cursor: 0, secret: false, columns: 12)
        #expect(output == "\r> ab你好世\u{1B}[K\r\u{1B}[2C")
    }

    /// A prompt that leaves fewer than ten columns to type in (a question on a split terminal) is drawn
    /// cut to its end, so its row never wraps; the reader has printed it whole above.
    @Test func aPromptTooWideForTheTerminalKeepsItsEnd() {
        let question = "alice would like to private message, enter y or n: "
        #expect(LineRenderer.fits(question, columns: 80))
        #expect(!LineRenderer.fits(question, columns: 40))
        let output = LineRenderer.refresh(prompt: question, characters: ["y"], cursor: 1, secret: false, columns: 40)
        // 40 columns: "…" and 28 of the question, then the typed "y", the last column empty.
        #expect(output == "\r…vate message, enter y or n: y\u{1B}[K\r\u{1B}[30C")
        #expect(ColumnWidth.of("…vate message, enter y or n: ") + LineRenderer.typingRoom(columns: 40) + 1 <= 40)
        let wide = LineRenderer.refresh(prompt: question, characters: [], cursor: 0, secret: false, columns: 80)
        #expect(wide == "\r" + question + "\u{1B}[K\r\u{1B}[51C")
    }

    @Test func printAboveClearsTheRowPrintsAndRedraws() {
        let redraw = LineRenderer.refresh(
            prompt: "> ", characters: Array("message bob hel"), cursor: 15, secret: false, columns: 80)
        let output = LineRenderer.printAbove("bob: hi", thenRedraw: redraw)
        #expect(output == "\r\u{1B}[Kbob: hi\r\n\r> message bob hel\u{1B}[K\r\u{1B}[17C")
    }

    @Test func aLineThatFitsIsOneRow() {
        #expect(LineRenderer.wrap("bob: hi", columns: 80) == ["bob: hi"])
        #expect(LineRenderer.wrap("", columns: 80) == [""])
        // The last column is never written: 11 columns hold 10.
        #expect(LineRenderer.wrap("0123456789", columns: 11) == ["0123456789"])
    }

    @Test func longLinesBreakAfterTheLastSpaceThatFitsAndIndentWhatFollows() {
        let rows = LineRenderer.wrap("bob: the quick brown fox jumps over the lazy dog", columns: 21)
        #expect(rows == ["bob: the quick brown", "  fox jumps over the", "  lazy dog"])
        #expect(rows.allSatisfy { ColumnWidth.of($0) <= 20 })
    }

    @Test func aWordWiderThanTheRowIsBrokenInside() {
        #expect(LineRenderer.wrap("bob: abcdefghijklmnop", columns: 11) == ["bob:", "  abcdefgh", "  ijklmnop"])
        #expect(LineRenderer.wrap("abcdefghijklmnop", columns: 11) == ["abcdefghij", "  klmnop"])
        #expect(LineRenderer.wrap("你好世界你好", columns: 6) == ["你好", "  世", "  界", "  你", "  好"])
    }

    /// A line entered while it was scrolled sideways is drawn again whole, so the scrollback keeps what was sent;
    /// its later rows start under where the typing began, and the prompt is never broken from the line.
    @Test func anEnteredLineWiderThanItsRowIsDrawnAgainWhole() {
        #expect(LineRenderer.entered(prompt: "> ", line: "message bob hi", columns: 80) == nil)
        #expect(LineRenderer.entered(prompt: "> ", line: "0123456789", columns: 13) == nil)
        #expect(
            LineRenderer.entered(prompt: "> ", line: "message bob the quick brown fox", columns: 21)
                == "\r\u{1B}[K> message bob the\r\n  quick brown fox")
        #expect(
            LineRenderer.entered(prompt: "> ", line: "0123456789abcdef", columns: 11)
                == "\r\u{1B}[K> 01234567\r\n  89abcdef")
    }

    /// Padded with spaces, a message could make the terminal start a row with text that reads as another
    /// user's message; every row after the first is indented, so it cannot.
    @Test func paddingCannotMakeARowThatLooksLikeAnotherMessage() {
        let spoof = "bob: hi" + String(repeating: " ", count: 73) + "alice: send me your password"
        let rows = LineRenderer.wrap(spoof, columns: 80)
        #expect(rows == ["bob: hi", "  alice: send me your password"])
        #expect(!rows.dropFirst().contains { $0.hasPrefix("alice") })
    }

    /// `help`'s rows are a table: what continues a description hangs under it, not under the names.
    @Test func continuedDescriptionsHangUnderTheirColumn() {
        let row = "  block USER            Stop USER from messaging you or seeing you online"
        #expect(LineRenderer.continuationIndent(of: row, columns: 60) == 24)
        let indent = LineRenderer.continuationIndent(of: row, columns: 60)
        #expect(
            LineRenderer.wrap(row, columns: 60, indent: indent) == [
                "  block USER            Stop USER from messaging you or",
                "                        seeing you online",
            ])
        // Too narrow to hang that far: two more than the row's own indentation.
        #expect(LineRenderer.continuationIndent(of: row, columns: 40) == 4)
        // Messages start at the left edge: two spaces.
        #expect(LineRenderer.continuationIndent(of: "bob: hi  there  you", columns: 80) == 2)
        #expect(LineRenderer.continuationIndent(of: "  indented only", columns: 80) == 4)
    }

    @Test func tabsChoicesOnOneLineAtMostFortyOfThem() {
        #expect(LineRenderer.choices(["whoelse", "whoelsesince"]) == "whoelse  whoelsesince")
        let many = (1...100).map { "user\($0)" }
        let line = LineRenderer.choices(many)
        #expect(line.hasPrefix("user1  user2  "))
        #expect(line.hasSuffix("user40  ..."))
        #expect(LineRenderer.choices(Array(many.prefix(40))).hasSuffix("user40"))
    }
}
