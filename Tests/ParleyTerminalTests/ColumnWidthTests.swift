import ParleyTerminal
import Testing

@Suite("Columns a character takes on a terminal")
struct ColumnWidthTests {
    @Test(arguments: [
        ("a", 1), ("é", 1), ("e\u{301}", 1), ("你", 2), ("界", 2), ("한", 2), ("Ａ", 2), ("ｱ", 1), ("😀", 2),
        ("🇺🇸", 2), ("❤️", 2), ("\u{301}", 0), ("\u{200B}", 0),
        // The widest reading of what terminals do with sequences (tmux 3.3 draws the first in 4 columns).
        ("👍🏻", 4), ("👨‍👩‍👧", 6),
    ])
    func eachCharacter(character: String, columns: Int) {
        #expect(ColumnWidth.of(Character(character)) == columns)
    }

    @Test func aTextIsTheSumOfItsCharacters() {
        #expect(ColumnWidth.of("message 你好") == 12)
        #expect(ColumnWidth.of("") == 0)
    }
}
