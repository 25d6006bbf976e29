import Foundation
import ParleyCore
import ParleyProtocol
import Testing

/// SPEC section 4: presence, logout, dropped connections and server shutdown.
@Suite struct SessionTests {
    @Test func othersAreToldOfALogin() throws {
        let h = CoreHarness(accounts: ["alice", "bob", "carol"])
        let users = try h.logInQuietly("alice", "bob")
        let carol = try h.logIn("carol")
        #expect(h.events(users[0]) == [.presence(user: "carol", online: true)])
        #expect(h.events(users[1]) == [.presence(user: "carol", online: true)])
        #expect(h.events(carol).isEmpty)
        #expect(Texts.loggedIn("carol") == "carol logged in")
    }

    @Test func logoutRepliesClosesRecordsAndTellsOthers() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let users = try h.logInQuietly("alice", "bob")
        h.advance(by: 42)
        let reply = h.send(users[0], .logout)
        #expect(reply?.ok == true)
        #expect(h.closed == [users[0]])
        #expect(h.persisted == [.recordLogout(name: "alice", at: h.now)])
        #expect(h.events(users[1]) == [.presence(user: "alice", online: false)])
        #expect(h.events(users[0]).isEmpty)
        #expect(h.core.onlineUsers == ["bob"])
        #expect(h.timers[.inactivity(users[0])] == nil)
        #expect(Texts.loggedOut("alice") == "alice logged out")
        #expect(Texts.goodbye == "Goodbye")
    }

    @Test func aDroppedConnectionLogsOutAsALogoutWould() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let users = try h.logInQuietly("alice", "bob")
        h.advance(by: 7)
        h.disconnect(users[0])
        #expect(h.persisted == [.recordLogout(name: "alice", at: h.now)])
        #expect(h.events(users[1]) == [.presence(user: "alice", online: false)])
        #expect(h.frames(users[0]).isEmpty)
        #expect(h.core.onlineUsers == ["bob"])
        #expect(h.timers[.inactivity(users[0])] == nil)
        // The user may come back at once.
        #expect(throws: Never.self) { try h.logIn("alice") }
    }

    @Test func aDisconnectAfterLogoutChangesNothing() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let users = try h.logInQuietly("alice", "bob")
        h.send(users[0], .logout)
        h.clearOutput()
        h.disconnect(users[0])
        #expect(h.allEffects.filter { if case .log = $0 { false } else { true } }.isEmpty)
    }

    @Test func aConnectionThatNeverLoggedInLeavesNoTrace() throws {
        let h = CoreHarness(accounts: ["alice"])
        let alice = try h.logIn("alice")
        h.clearOutput()
        let stranger = h.connectAndGreet()
        h.disconnect(stranger)
        #expect(h.frames(alice).isEmpty)
        #expect(h.persisted.isEmpty)
    }

    @Test func afterLogoutTheUserCanLogInAgain() throws {
        let h = CoreHarness(accounts: ["alice"])
        let first = try h.logIn("alice")
        h.send(first, .logout)
        let second = try h.logIn("alice")
        #expect(h.core.onlineUsers == ["alice"])
        #expect(second != first)
    }

    @Test func shutdownLogsEveryoneOutWithANotice() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let users = try h.logInQuietly("alice", "bob")
        let stranger = h.connectAndGreet()
        h.advance(by: 3)
        h.feed(.shutdown)
        #expect(h.events(users[0]).last == .loggedOut(reason: .shutdown))
        #expect(h.events(users[1]).last == .loggedOut(reason: .shutdown))
        #expect(h.closed == [users[0], users[1], stranger])
        #expect(h.core.onlineUsers.isEmpty)
        #expect(Set(h.persisted) == [.recordLogout(name: "alice", at: h.now), .recordLogout(name: "bob", at: h.now)])
        #expect(Texts.serverShutdown == "The server is shutting down")
    }

    /// A shutdown ends private sessions and requests without telling the peers that the other "logged out":
    /// each side hears of the shutdown itself and ends its sessions alike.
    @Test func shutdownEndsPrivateSessionsAlikeForBothSides() throws {
        let h = CoreHarness(accounts: ["alice", "bob", "carol"])
        let users = try h.logInQuietly("alice", "bob", "carol")
        h.send(users[0], .startPrivate(user: "bob", port: 5555))
        h.send(users[1], .answerPrivate(user: "alice", accept: true))
        h.send(users[2], .startPrivate(user: "alice", port: 5555))
        h.clearOutput()
        h.feed(.shutdown)
        #expect(h.events(users[1]) == [.presence(user: "alice", online: false), .loggedOut(reason: .shutdown)])
        #expect(h.events(users[2]).last == .loggedOut(reason: .shutdown))
        #expect(!h.events(users[2]).contains { if case .privateEnded = $0 { true } else { false } })
        #expect(h.timers[.privateRequest(from: "carol", to: "alice")] == nil)
    }
}
