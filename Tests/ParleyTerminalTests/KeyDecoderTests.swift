import ParleyTerminal
import Testing

@Suite("Key decoding from raw terminal bytes")
struct KeyDecoderTests {
    private func keys(_ bytes: [UInt8]) -> [Key] {
        var decoder = KeyDecoder()
        return decoder.decode(bytes)
    }

    private func keys(_ text: String) -> [Key] { keys(Array(text.utf8)) }

    @Test func printableCharacters() {
        #expect(keys("hi!") == [.character("h"), .character("i"), .character("!")])
    }

    @Test func multiByteUTF8() {
        #expect(keys("é€😀") == [.character("é"), .character("€"), .character("😀")])
    }

    @Test func utf8SplitAcrossReads() {
        var decoder = KeyDecoder()
        let euro = Array("€".utf8)
        #expect(decoder.decode(euro[0..<1]) == [])
        #expect(decoder.decode(euro[1..<2]) == [])
        #expect(decoder.decode(euro[2..<3]) == [.character("€")])
    }

    @Test func invalidUTF8IsDropped() {
        #expect(keys([0xFF, 0x61]) == [.character("a")])
        #expect(keys([0xC3, 0x28]) == [.character("(")])
    }

    @Test func enterFromCarriageReturnOrLineFeedOnce() {
        #expect(keys("\r") == [.enter])
        #expect(keys("\n") == [.enter])
        #expect(keys("\r\n") == [.enter])
        #expect(keys("a\r\nb\n\n") == [.character("a"), .enter, .character("b"), .enter, .enter])
    }

    @Test func controlKeys() {
        #expect(keys([0x01]) == [.home])
        #expect(keys([0x05]) == [.end])
        #expect(keys([0x15]) == [.killToStart])
        #expect(keys([0x0B]) == [.killToEnd])
        #expect(keys([0x0C]) == [.clearScreen])
        #expect(keys([0x17]) == [.deleteWord])
        #expect(keys([0x03]) == [.interrupt])
        #expect(keys([0x04]) == [.endOfInput])
        #expect(keys([0x1A]) == [.suspend])
        #expect(keys([0x7F]) == [.backspace])
        #expect(keys([0x08]) == [.backspace])
        #expect(keys([0x02, 0x06, 0x10, 0x0E]) == [.left, .right, .up, .down])
    }

    @Test func otherControlBytesAreIgnored() {
        #expect(keys([0x07, 0x0F, 0x00, 0x61]) == [.character("a")])
    }

    /// U+009B, the one-byte CSI, would start an escape sequence when the line is drawn on some terminals.
    @Test func controlCharactersBeyondASCIIAreIgnored() {
        #expect(keys([0xC2, 0x9B, 0x32, 0x4A, 0xC2, 0x85]) == [.character("2"), .character("J")])
    }

    @Test func arrowEscapeSequences() {
        #expect(keys("\u{1B}[A\u{1B}[B\u{1B}[C\u{1B}[D") == [.up, .down, .right, .left])
        #expect(keys("\u{1B}OA\u{1B}OB\u{1B}OC\u{1B}OD") == [.up, .down, .right, .left])
    }

    @Test func homeEndDeleteSequences() {
        #expect(keys("\u{1B}[H\u{1B}[F\u{1B}OH\u{1B}OF") == [.home, .end, .home, .end])
        #expect(keys("\u{1B}[1~\u{1B}[7~\u{1B}[4~\u{1B}[8~") == [.home, .home, .end, .end])
        #expect(keys("\u{1B}[3~") == [.delete])
    }

    @Test func modifiedArrowsStillMove() {
        #expect(keys("\u{1B}[1;5C") == [.right])
    }

    @Test func unknownSequencesAreSwallowedWhole() {
        #expect(keys("\u{1B}[15~x") == [.character("x")])
        #expect(keys("\u{1B}[Zx") == [.character("x")])
    }

    @Test func escapeSequenceSplitAcrossReads() {
        var decoder = KeyDecoder()
        #expect(decoder.decode([0x1B]) == [])
        #expect(decoder.decode(Array("[".utf8)) == [])
        #expect(decoder.decode(Array("D".utf8)) == [.left])
    }

    @Test func escapeBeforeAnOrdinaryKeyIsDropped() {
        #expect(keys("\u{1B}x") == [.character("x")])
    }

    @Test func tabAsksForCompletion() {
        #expect(keys("a\tb") == [.character("a"), .tab, .character("b")])
    }

    @Test func aBracketedPasteIsOneKeyWithItsLineBreaksAndTabsKept() {
        #expect(
            keys("a\u{1B}[200~logout\r\nb\tc\u{1B}[201~\r")
                == [.character("a"), .paste("logout\r\nb\tc"), .enter])
        #expect(keys("\u{1B}[200~\u{1B}[201~x") == [.paste(""), .character("x")])
    }

    /// An escape or a part of the end marker inside the paste is pasted text, not a key.
    @Test func onlyTheWholeEndMarkerEndsAPaste() {
        #expect(keys("\u{1B}[200~\u{1B}[A\u{1B}[20x\u{1B}[201~") == [.paste("\u{1B}[A\u{1B}[20x")])
    }

    @Test func aPasteSplitAcrossReadsAndInsideItsEndMarker() {
        var decoder = KeyDecoder()
        #expect(decoder.decode(Array("\u{1B}[20".utf8)) == [])
        #expect(decoder.decode(Array("0~hello ".utf8)) == [])
        #expect(decoder.decode(Array("wor€ld\u{1B}[2".utf8)) == [])
        #expect(decoder.decode(Array("01".utf8)) == [])
        #expect(decoder.decode(Array("~!".utf8)) == [.paste("hello wor€ld"), .character("!")])
    }

    @Test func aMultiByteCharacterSplitAcrossReadsInsideAPaste() {
        var decoder = KeyDecoder()
        let euro = Array("€".utf8)
        #expect(decoder.decode(Array("\u{1B}[200~".utf8) + euro[0..<1]) == [])
        #expect(decoder.decode(Array(euro[1...]) + Array("\u{1B}[201~".utf8)) == [.paste("€")])
    }

    @Test func aPasteKeepsNoMoreThanTheLimit() {
        var decoder = KeyDecoder()
        let chunk = Array(repeating: UInt8(ascii: "x"), count: 40_000)
        #expect(decoder.decode(Array("\u{1B}[200~".utf8) + chunk) == [])
        #expect(decoder.decode(chunk) == [])
        let end = decoder.decode(Array("\u{1B}[201~y".utf8))
        #expect(end == [.paste(String(repeating: "x", count: KeyDecoder.pasteLimit)), .character("y")])
    }
}
