import Foundation
import Testing

@testable import ParleyCore

/// The log `whoelsesince` reads instead of every account.
@Suite struct DepartureLogTests {
    private let start = Date(timeIntervalSince1970: 1_800_000_000)

    private func users(_ log: DepartureLog, since seconds: Double) -> [String] {
        Array(log.users(leftSince: start.addingTimeInterval(seconds)))
    }

    @Test func usersWhoLeftAtOrAfterTheCutoffInTheOrderTheyLeft() {
        var log = DepartureLog(lastSeen: [
            ("carol", start.addingTimeInterval(20)), ("bob", start.addingTimeInterval(10)),
        ])
        log.record("dave", at: start.addingTimeInterval(30))
        #expect(users(log, since: 0) == ["bob", "carol", "dave"])
        #expect(users(log, since: 10) == ["bob", "carol", "dave"])
        #expect(users(log, since: 10.5) == ["carol", "dave"])
        #expect(users(log, since: 30) == ["dave"])
        #expect(users(log, since: 31) == [])
        #expect(users(DepartureLog(), since: 0) == [])
    }

    @Test func aUserWhoLeftTwiceInTheWindowComesTwice() {
        var log = DepartureLog()
        log.record("bob", at: start.addingTimeInterval(1))
        log.record("bob", at: start.addingTimeInterval(2))
        #expect(users(log, since: 0) == ["bob", "bob"])
        #expect(users(log, since: 2) == ["bob"])
    }

    @Test func aClockThatWentBackStillGivesTheTrueAnswer() {
        var log = DepartureLog()
        log.record("bob", at: start.addingTimeInterval(100))
        log.record("carol", at: start.addingTimeInterval(50))  // the wall clock was set back
        log.record("dave", at: start.addingTimeInterval(120))
        #expect(users(log, since: 60) == ["bob", "dave"])
        #expect(users(log, since: 50) == ["bob", "carol", "dave"])
        #expect(users(log, since: 101) == ["dave"])
    }

    @Test func olderEntriesOfTheSameUsersAreDroppedAsTheLogGrows() {
        var log = DepartureLog()
        for second in 0..<100_000 {
            log.record("user\(second % 10)", at: start.addingTimeInterval(Double(second)))
        }
        #expect(log.count < 1100)
        // Each user's latest departure is kept, and nothing the window needs is lost.
        #expect(Set(users(log, since: 99_990)) == Set((0..<10).map { "user\($0)" }))
        #expect(users(log, since: 99_995) == ["user5", "user6", "user7", "user8", "user9"])
    }
}
