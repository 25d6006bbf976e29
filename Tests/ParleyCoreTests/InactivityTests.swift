import Foundation
import ParleyCore
import ParleyProtocol
import Testing

/// SPEC section 4: a user who types no command for TIMEOUT seconds is logged out.
@Suite struct InactivityTests {
    static let twoMinutes = CoreConfiguration(inactivityTimeout: 120)

    @Test func loginSetsTheTimer() throws {
        let h = CoreHarness(accounts: ["alice"], configuration: Self.twoMinutes)
        let alice = try h.logIn("alice")
        #expect(h.lastEffects.contains(.schedule(.inactivity(alice), at: h.now + 120)))
        #expect(h.timers == [.inactivity(alice): h.now + 120])
    }

    @Test func registrationSetsTheTimerToo() throws {
        let h = CoreHarness(configuration: Self.twoMinutes)
        let alice = try h.register("alice")
        #expect(h.timers == [.inactivity(alice): h.now + 120])
    }

    @Test func anIdleUserIsLoggedOutAtTheDeadline() throws {
        let h = CoreHarness(accounts: ["alice", "bob"], configuration: Self.twoMinutes)
        let users = try h.logInQuietly("alice", "bob")
        h.advance(by: 60)
        h.send(users[1], .activity)
        h.advance(by: 59)
        #expect(h.core.onlineUsers == ["alice", "bob"])
        h.advance(by: 1)
        #expect(h.core.onlineUsers == ["bob"])
        #expect(h.events(users[0]) == [.loggedOut(reason: .inactivity)])
        #expect(h.closed == [users[0]])
        #expect(h.events(users[1]) == [.presence(user: "alice", online: false)])
        #expect(h.persisted == [.recordLogout(name: "alice", at: h.now)])
        #expect(Texts.inactivityLogout == "You have been logged out due to inactivity")
    }

    @Test func theLogoutNoticeComesBeforeTheClose() throws {
        let h = CoreHarness(accounts: ["alice"], configuration: Self.twoMinutes)
        let alice = try h.logIn("alice")
        h.advance(by: 120)
        let notice = try #require(h.lastEffects.firstIndex(of: .send(alice, .event(.loggedOut(reason: .inactivity)))))
        let close = try #require(h.lastEffects.firstIndex(of: .close(alice)))
        #expect(notice < close)
    }

    @Test func anEarlyFiringReschedulesForTheRemainingTime() throws {
        let h = CoreHarness(accounts: ["alice"], configuration: Self.twoMinutes)
        let alice = try h.logIn("alice")
        let loginTime = h.now
        h.advance(by: 50)
        let effects = h.fire(.inactivity(alice))
        #expect(effects == [.schedule(.inactivity(alice), at: loginTime + 120)])
        #expect(h.core.onlineUsers == ["alice"])
    }

    @Test func everyCommandPushesTheDeadline() throws {
        let commands: [Command] = [
            .activity, .whoelse, .whoelsesince(seconds: 1), .broadcast(text: "hi"), .message(to: "bob", text: "x"),
            .message(to: "nobody", text: "failed commands count too"), .block(user: "bob"), .unblock(user: "nobody"),
            .stopPrivate(user: "bob"), .answerPrivate(user: "bob", accept: false),
        ]
        for command in commands {
            let h = CoreHarness(accounts: ["alice", "bob"], configuration: Self.twoMinutes)
            let alice = try h.logIn("alice")
            h.advance(by: 100)
            h.send(alice, command)
            h.advance(by: 20)  // the first deadline: the timer fires and is set again
            #expect(h.core.onlineUsers.contains("alice"), "\(command.op)")
            #expect(h.timers[.inactivity(alice)] == CoreHarness.start + 220, "\(command.op)")
            h.advance(by: 99)
            #expect(h.core.onlineUsers.contains("alice"), "\(command.op)")
            h.advance(by: 1)
            #expect(!h.core.onlineUsers.contains("alice"), "\(command.op)")
        }
    }

    @Test func pingIsNotActivity() throws {
        let h = CoreHarness(accounts: ["alice"], configuration: Self.twoMinutes)
        let alice = try h.logIn("alice")
        for _ in 0..<11 {
            h.advance(by: 10)
            #expect(h.send(alice, .ping)?.ok == true)
        }
        h.advance(by: 10)
        #expect(h.core.onlineUsers.isEmpty)
        #expect(h.events(alice).last == .loggedOut(reason: .inactivity))
    }

    @Test func relayedPrivateTrafficAndReceiptsAreNotActivity() throws {
        // What a client sends on its own (SPEC 4): a private session's traffic through the server and the
        // confirmation of waiting messages, sent without the user typing anything.
        let h = CoreHarness(accounts: ["alice"], configuration: Self.twoMinutes)
        let alice = try h.logIn("alice")
        for _ in 0..<11 {
            h.advance(by: 10)
            h.send(alice, .relay(to: "bob", data: "AAAA"))
            h.send(alice, .received(count: 0))
        }
        h.advance(by: 10)
        #expect(h.core.onlineUsers.isEmpty)
        #expect(h.events(alice).last == .loggedOut(reason: .inactivity))
    }

    @Test func aLoginAttemptIsNotActivityOfTheSession() throws {
        let h = CoreHarness(accounts: ["alice"], configuration: Self.twoMinutes)
        let alice = try h.logIn("alice")
        h.advance(by: 100)
        h.send(alice, .login(username: "alice", password: "pw-alice"))  // refused: already logged in here
        h.advance(by: 20)
        #expect(h.core.onlineUsers.isEmpty)
    }

    @Test func noTimeoutMeansNoTimer() throws {
        let h = CoreHarness(accounts: ["alice", "bob"], configuration: CoreConfiguration(inactivityTimeout: nil))
        let users = try h.logInQuietly("alice", "bob")
        h.send(users[0], .whoelse)
        h.advance(by: 1_000_000)
        #expect(h.core.onlineUsers == ["alice", "bob"])
        h.send(users[0], .logout)
        let timerEffects = h.allEffects.filter { effect in
            switch effect {
            case .schedule(.inactivity, _), .cancel(.inactivity): true
            default: false
            }
        }
        #expect(timerEffects.isEmpty)
        // A stray firing changes nothing.
        #expect(h.fire(.inactivity(users[1])).isEmpty)
    }

    @Test func aStaleTimerAfterLogoutDoesNothing() throws {
        let h = CoreHarness(accounts: ["alice"], configuration: Self.twoMinutes)
        let alice = try h.logIn("alice")
        h.send(alice, .logout)
        #expect(h.timers[.inactivity(alice)] == nil)
        h.advance(by: 500)
        #expect(h.fire(.inactivity(alice)).isEmpty)
    }

    @Test func aTimeoutEndsThePrivateSessionForThePeer() throws {
        let h = CoreHarness(accounts: ["alice", "bob"], configuration: Self.twoMinutes)
        let users = try h.logInQuietly("alice", "bob")
        h.send(users[0], .startPrivate(user: "bob", port: 5555))
        h.send(users[1], .answerPrivate(user: "alice", accept: true))
        h.clearOutput()
        h.advance(by: 60)
        h.send(users[1], .activity)
        h.advance(by: 60)
        #expect(h.core.onlineUsers == ["bob"])
        #expect(
            h.events(users[1]) == [
                .privateEnded(user: "alice", reason: .timeout), .presence(user: "alice", online: false),
            ])
    }
}
