import ParleyTerminal
import Testing

@Suite("Command history")
struct HistoryTests {
    @Test func skipsBlankLinesAndImmediateRepeats() {
        var history = History()
        for line in ["a", "", "  ", "a", "b", "a"] { history.add(line) }
        #expect(history.entries == ["a", "b", "a"])
    }

    @Test func keepsOnlyTheNewestEntriesUpToTheLimit() {
        var history = History(limit: 2)
        for line in ["1", "2", "3"] { history.add(line) }
        #expect(history.entries == ["2", "3"])
    }

    @Test func emptyHistoryRecallsNothing() {
        var history = History()
        #expect(history.previous(current: "x") == nil)
        #expect(history.next() == nil)
    }

    @Test func stopBrowsingStartsFromTheNewestAgain() {
        var history = History()
        for line in ["1", "2"] { history.add(line) }
        #expect(history.previous(current: "") == "2")
        #expect(history.previous(current: "") == "1")
        history.stopBrowsing()
        #expect(history.previous(current: "") == "2")
    }
}
