import Foundation
import ParleyCore
import ParleyProtocol
import Testing

/// The running totals the server's metrics report, counted where the core decides.
@Suite struct StatisticsTests {
    @Test func countsLoginsMessagesAndWrongPasswords() throws {
        let h = CoreHarness(accounts: ["carol"])
        let alice = try h.register("alice")
        let bob = try h.register("bob")
        h.send(alice, .message(to: "bob", text: "hi"))
        h.send(alice, .message(to: "carol", text: "later"))
        h.send(bob, .broadcast(text: "all"))
        let guesser = h.connectAndGreet()
        for guess in ["a", "b", "c"] { h.send(guesser, .login(username: "carol", password: guess)) }
        var expected = CoreStatistics()
        expected.requests = 2 * 3 + 3 + 1 + 3  // hello, login, register each; messages, broadcast; guesses
        expected.registrations = 2
        expected.directMessages = 1
        expected.storedMessages = 1
        expected.broadcasts = 1
        expected.broadcastDeliveries = 1
        expected.wrongPasswords = 3
        expected.lockouts = 1
        #expect(h.core.statistics == expected)

        h.advance(by: 60)
        try h.logIn("carol")
        #expect(h.core.statistics.logins == 1)
        #expect(h.core.statistics.waitingMessagesDelivered == 1)
    }

    @Test func countsRefusedRequests() throws {
        var configuration = CoreConfiguration()
        configuration.commandRate = RateLimit(burst: 4, perSecond: 1)
        let h = CoreHarness(accounts: ["alice"], configuration: configuration)
        let alice = try h.logIn("alice")  // hello and login: two of the four
        for _ in 0..<4 { h.send(alice, .whoelse) }
        #expect(h.core.statistics.requests == 6)
        #expect(h.core.statistics.rateLimitedRequests == 2)
    }
}
