import Foundation
import ParleyCore
import ParleyProtocol
import Testing

/// SPEC section 4: a client that floods gets errors and, past limits, is disconnected. Past its burst a
/// connection's requests are answered `rate_limited`; one that goes on sending at full speed through more
/// refusals in a row than its burst is closed, its user logged out as after a lost connection.
@Suite struct FloodTests {
    private func harness() throws -> (CoreHarness, alice: ConnectionID) {
        var configuration = CoreConfiguration()
        configuration.commandRate = RateLimit(burst: 4, perSecond: 1)
        let h = CoreHarness(accounts: ["alice", "bob"], configuration: configuration)
        try h.logIn("bob")
        let alice = try h.logIn("alice")  // hello and login: two of alice's four
        h.clearOutput()
        return (h, alice)
    }

    @Test func aConnectionThatFloodsOnPastItsBurstOfRefusalsIsClosed() throws {
        let (h, alice) = try harness()
        for _ in 0..<2 { #expect(h.send(alice, .whoelse)?.ok == true) }
        for _ in 0..<4 { #expect(h.send(alice, .whoelse)?.error?.code == .rateLimited) }
        #expect(!h.closed.contains(alice))
        // The fifth refusal in a row: still answered, then the end.
        #expect(h.send(alice, .whoelse)?.error?.code == .rateLimited)
        #expect(h.events(alice).last == .loggedOut(reason: .tooFast))
        #expect(h.closed.contains(alice))
        #expect(h.core.onlineUsers == ["bob"])
        #expect(h.core.statistics.rateLimitedRequests == 5)
    }

    @Test func refusalsSpreadOutAsTheBucketRefillsNeverCloseIt() throws {
        let (h, alice) = try harness()
        for _ in 0..<2 { h.send(alice, .whoelse) }
        for _ in 0..<10 {
            for _ in 0..<4 { #expect(h.send(alice, .whoelse)?.error?.code == .rateLimited) }
            h.advance(by: 1)
            #expect(h.send(alice, .whoelse)?.ok == true)  // one token back: the count starts again
        }
        #expect(!h.closed.contains(alice))
        #expect(h.core.onlineUsers == ["alice", "bob"])
    }
}
