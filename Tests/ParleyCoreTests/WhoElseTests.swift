import Foundation
import ParleyCore
import ParleyProtocol
import Testing

/// SPEC section 3: `whoelse` and `whoelsesince`.
@Suite struct WhoElseTests {
    @Test func whoelseListsOtherOnlineUsersAlphabetically() throws {
        let h = CoreHarness(accounts: ["alice", "bob", "carol", "dave"])
        let users = try h.logInQuietly("carol", "alice", "dave", "bob")
        #expect(h.send(users[0], .whoelse)?.users == ["alice", "bob", "dave"])
        #expect(h.send(users[3], .whoelse)?.users == ["alice", "carol", "dave"])
    }

    @Test func whoelseWithNobodyElseIsAnEmptyList() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let alice = try h.logIn("alice")
        let reply = h.send(alice, .whoelse)
        #expect(reply?.ok == true)
        #expect(reply?.users == [])
        #expect(Texts.noOtherUsersOnline == "No other users are online")
    }

    @Test func whoelseLeavesOutUsersWhoBlockedYouButNotUsersYouBlocked() throws {
        let h = CoreHarness(accounts: ["alice", "bob", "carol"], blocks: [(blocker: "bob", blocked: "alice")])
        let users = try h.logInQuietly("alice", "bob", "carol")
        #expect(h.send(users[0], .whoelse)?.users == ["carol"])
        #expect(h.send(users[1], .whoelse)?.users == ["alice", "carol"])
    }

    @Test func whoelseDoesNotListUsersWhoLoggedOut() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let users = try h.logInQuietly("alice", "bob")
        h.send(users[1], .logout)
        #expect(h.send(users[0], .whoelse)?.users == [])
    }

    @Test func whoelsesinceCountsUsersWhoLeftWithinTheWindow() throws {
        let h = CoreHarness(accounts: ["alice", "bob", "carol", "dave"])
        let users = try h.logInQuietly("alice", "bob", "carol")
        h.send(users[1], .logout)
        h.advance(by: 30)
        // bob left 30 s ago, carol is online, dave never came.
        #expect(h.send(users[0], .whoelsesince(seconds: 60))?.users == ["bob", "carol"])
        #expect(h.send(users[0], .whoelsesince(seconds: 30))?.users == ["bob", "carol"])
        #expect(h.send(users[0], .whoelsesince(seconds: 10))?.users == ["carol"])
        #expect(h.send(users[0], .whoelsesince(seconds: 0))?.users == ["carol"])
    }

    @Test func whoelsesinceCountsUsersWhoDroppedOrTimedOut() throws {
        let h = CoreHarness(
            accounts: ["alice", "bob", "carol"], configuration: CoreConfiguration(inactivityTimeout: 20))
        let users = try h.logInQuietly("alice", "bob", "carol")
        h.disconnect(users[1])
        h.advance(by: 10)
        h.send(users[0], .activity)
        h.advance(by: 10)  // carol times out
        #expect(h.core.onlineUsers == ["alice"])
        #expect(h.send(users[0], .whoelsesince(seconds: 15))?.users == ["carol"])
        #expect(h.send(users[0], .whoelsesince(seconds: 20))?.users == ["bob", "carol"])
    }

    @Test func whoelsesinceUsesLastSeenFromTheStore() throws {
        let h = CoreHarness(
            snapshot: CoreSnapshot(accounts: [
                AccountRecord(name: "alice", passwordHash: CoreHarness.hash("pw-alice")),
                AccountRecord(name: "bob", passwordHash: CoreHarness.hash("pw-bob"), lastSeen: CoreHarness.start - 100),
            ]))
        let alice = try h.logIn("alice")
        #expect(h.send(alice, .whoelsesince(seconds: 100))?.users == ["bob"])
        #expect(h.send(alice, .whoelsesince(seconds: 99))?.users == [])
    }

    @Test func whoelsesinceLeavesOutYouAndUsersWhoBlockedYou() throws {
        let h = CoreHarness(accounts: ["alice", "bob", "carol"], blocks: [(blocker: "carol", blocked: "alice")])
        let users = try h.logInQuietly("alice", "bob", "carol")
        h.send(users[0], .logout)
        h.send(users[2], .logout)
        let alice = try h.logIn("alice")
        #expect(h.send(alice, .whoelsesince(seconds: 60))?.users == ["bob"])
    }

    @Test func whoelsesinceWithNobodyIsAnEmptyList() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let alice = try h.logIn("alice")
        let reply = h.send(alice, .whoelsesince(seconds: 3600))
        #expect(reply?.ok == true)
        #expect(reply?.users == [])
        #expect(Texts.noOtherUsersSince(3600) == "No other users were online in the last 3600 seconds")
    }

    @Test func whoelsesinceWithNegativeSecondsIsAnInvalidCommand() throws {
        let h = CoreHarness(accounts: ["alice"])
        let alice = try h.logIn("alice")
        let reply = h.send(alice, .whoelsesince(seconds: -1))
        #expect(reply?.code == .invalidArguments)
        #expect(reply?.error?.message == "Error. Invalid command")
    }

    /// A long list is dear to make, so it counts as one more request per 1,000 users against the rate limit.
    @Test func aLongListCountsAgainstTheRequestRate() throws {
        func requestsLeft(afterListingSince seconds: Int) throws -> (listed: Int, left: Int) {
            let recent = (0..<5000).map {
                AccountRecord(
                    name: "user\($0)", passwordHash: CoreHarness.hash("pw-user\($0)"), lastSeen: CoreHarness.start - 100
                )
            }
            var configuration = CoreConfiguration()
            configuration.commandRate = RateLimit(burst: 20, perSecond: 0.001)
            let h = CoreHarness(
                configuration: configuration,
                snapshot: CoreSnapshot(
                    accounts: recent + [AccountRecord(name: "alice", passwordHash: CoreHarness.hash("pw-alice"))]))
            let alice = try h.logIn("alice")
            let listed = try #require(h.send(alice, .whoelsesince(seconds: seconds))?.users).count
            var left = 0
            while h.send(alice, .whoelse)?.code != .rateLimited { left += 1 }
            return (listed, left)
        }
        let short = try requestsLeft(afterListingSince: 10)
        let long = try requestsLeft(afterListingSince: 3600)
        #expect(short.listed == 0)
        #expect(long.listed == 5000)
        #expect(short.left - long.left == 5)
    }

    @Test func whoelsesinceWithAHugeWindowDoesNotOverflow() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let users = try h.logInQuietly("alice", "bob")
        h.send(users[1], .logout)
        #expect(h.send(users[0], .whoelsesince(seconds: Int.max))?.users == ["bob"])
    }
}
