import Foundation
import ParleyClient
import ParleyProtocol
import Testing

@Suite("Showing messages, presence and the end of private sessions")
struct MessageRenderingTests {
    private let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Australia/Sydney")!
        return calendar
    }()

    /// 2026-11-20 14:30 in Sydney (UTC+11).
    private let now = Date(timeIntervalSince1970: 1_795_145_400)

    @Test func direct() {
        let message = DeliveredMessage(from: "alice", text: "hi there", kind: .direct)
        #expect(MessageRendering.line(for: message, now: now, calendar: calendar) == "alice: hi there")
    }

    @Test func broadcast() {
        let message = DeliveredMessage(from: "alice", text: "hi all", kind: .broadcast)
        #expect(MessageRendering.line(for: message, now: now, calendar: calendar) == "alice (broadcast): hi all")
    }

    @Test func offlineFromTodayShowsLocalTime() {
        let sent = now.addingTimeInterval(-3600 - 5 * 60)
        let message = DeliveredMessage(from: "bob", text: "while you were out", kind: .offline, sent: sent)
        #expect(
            MessageRendering.line(for: message, now: now, calendar: calendar)
                == "bob (offline, 13:25): while you were out")
    }

    @Test func offlineFromAnotherDayShowsDateAndTime() {
        let sent = now.addingTimeInterval(-15 * 3600)
        let message = DeliveredMessage(from: "bob", text: "old", kind: .offline, sent: sent)
        #expect(
            MessageRendering.line(for: message, now: now, calendar: calendar) == "bob (offline, 2026-11-19 23:30): old")
    }

    @Test func offlineTimeIsInTheCalendarsTimeZone() {
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let sent = now.addingTimeInterval(-60)
        #expect(MessageRendering.sentTime(sent, now: now, calendar: utc) == "03:29")
    }

    @Test func presence() {
        #expect(MessageRendering.presence(user: "bob", online: true) == "bob logged in")
        #expect(MessageRendering.presence(user: "bob", online: false) == "bob logged out")
    }

    @Test func privateMessage() {
        #expect(MessageRendering.privateLine(from: "bob", text: "psst") == "bob (private): psst")
    }

    @Test func controlCharactersFromOthersCannotReachTheTerminal() {
        let hostile = DeliveredMessage(from: "eve", text: "hi\u{1B}[2J\u{07}\r there é", kind: .direct)
        #expect(
            MessageRendering.line(for: hostile, now: now, calendar: calendar)
                == "eve: hi\u{FFFD}[2J\u{FFFD}\u{FFFD} there é")
        #expect(
            MessageRendering.privateLine(from: "eve", text: "\u{1B}]0;owned\u{07}")
                == "eve (private): \u{FFFD}]0;owned\u{FFFD}")
    }

    @Test(arguments: [PrivateEndReason.logout, .timeout, .disconnect])
    func peerLeavingEndsWithLoggedOut(reason: PrivateEndReason) {
        #expect(MessageRendering.privateEnded(peer: "bob", reason: reason) == "bob logged out, private messaging ended")
    }

    @Test(arguments: [PrivateEndReason?.some(.stopped), .some(.blocked), .some(.expired), nil])
    func otherEndsSayTheSessionEnded(reason: PrivateEndReason?) {
        #expect(MessageRendering.privateEnded(peer: "bob", reason: reason) == "Private messaging with bob has ended")
    }
}
