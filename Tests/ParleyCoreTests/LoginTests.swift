import Foundation
import ParleyCore
import ParleyProtocol
import Testing

/// SPEC section 2: logging in, the lockout after wrong passwords, one session per user.
@Suite struct LoginTests {
    @Test func rightPasswordLogsIn() {
        let h = CoreHarness(accounts: ["alice"])
        let connection = h.connectAndGreet()
        let reply = h.send(connection, .login(username: "alice", password: "pw-alice"))
        #expect(reply == Reply(id: .number(2), username: "alice", waiting: 0))
        #expect(h.core.onlineUsers == ["alice"])
        #expect(h.persisted == [.recordLogin(name: "alice", at: h.now)])
        // The password is checked off the core, against the stored hash.
        #expect(
            h.lastEffects.first
                == .verifyPassword(
                    connection, .number(2), username: "alice", password: "pw-alice", hash: CoreHarness.hash("pw-alice"))
        )
    }

    @Test func wrongPasswordAsksAgain() {
        let h = CoreHarness(accounts: ["alice"])
        let connection = h.connectAndGreet()
        let reply = h.send(connection, .login(username: "alice", password: "nope"))
        #expect(reply?.code == .wrongPassword)
        #expect(reply?.error?.message == "Invalid Password. Please try again")
        #expect(h.core.onlineUsers.isEmpty)
        #expect(!h.closed.contains(connection))
        // The count is stored before the client hears about it.
        let tail = Array(h.lastEffects.suffix(2))
        #expect(tail.first == .holdUntilDurable(connection))
        #expect(h.persisted == [.setLockState(name: "alice", failedAttempts: 1, lockedUntil: nil)])
        // The same connection may try again.
        #expect(h.send(connection, .login(username: "alice", password: "pw-alice"))?.ok == true)
    }

    @Test func thirdWrongPasswordLocksTheAccount() {
        let h = CoreHarness(accounts: ["alice"])
        let connection = h.connectAndGreet()
        #expect(h.send(connection, .login(username: "alice", password: "wrong1"))?.code == .wrongPassword)
        #expect(h.send(connection, .login(username: "alice", password: "wrong2"))?.code == .wrongPassword)
        let third = h.send(connection, .login(username: "alice", password: "wrong3"))
        #expect(third?.code == .accountLockedNow)
        #expect(third?.error?.message == "Invalid Password. Your account has been blocked. Please try again later")
        #expect(
            h.persisted == [
                .setLockState(name: "alice", failedAttempts: 1, lockedUntil: nil),
                .setLockState(name: "alice", failedAttempts: 2, lockedUntil: nil),
                .setLockState(name: "alice", failedAttempts: 0, lockedUntil: h.now.addingTimeInterval(60)),
            ])
        #expect(h.lastEffects.contains(.holdUntilDurable(connection)))
    }

    @Test func aLockedAccountIsRefusedFromAnyConnectionEvenWithTheRightPassword() {
        let h = CoreHarness(accounts: ["alice"])
        lock("alice", in: h)
        h.advance(by: 30)
        let other = h.connectAndGreet(from: "10.0.0.9")
        let reply = h.send(other, .login(username: "alice", password: "pw-alice"))
        #expect(reply?.code == .accountLocked)
        #expect(
            reply?.error?.message == "Your account is blocked due to multiple login failures. Please try again later")
        // The password is not even checked, and the attempt does not extend the lock.
        #expect(!h.lastEffects.contains { if case .verifyPassword = $0 { true } else { false } })
        #expect(!h.lastEffects.contains { if case .persist = $0 { true } else { false } })
        #expect(h.send(other, .login(username: "alice", password: "wrong"))?.code == .accountLocked)
        #expect(h.core.onlineUsers.isEmpty)
    }

    @Test func theLockEndsAfterTheBlockDuration() {
        let h = CoreHarness(accounts: ["alice"], configuration: CoreConfiguration(blockDuration: 60))
        lock("alice", in: h)
        h.advance(by: 59)
        #expect(h.send(h.connectAndGreet(), .login(username: "alice", password: "pw-alice"))?.code == .accountLocked)
        h.advance(by: 1)
        h.clearOutput()
        #expect(h.send(h.connectAndGreet(), .login(username: "alice", password: "pw-alice"))?.ok == true)
        #expect(h.persisted.first == .setLockState(name: "alice", failedAttempts: 0, lockedUntil: nil))
    }

    @Test func theBlockDurationComesFromTheConfiguration() {
        let h = CoreHarness(accounts: ["alice"], configuration: CoreConfiguration(blockDuration: 5))
        lock("alice", in: h)
        #expect(h.persisted.last == .setLockState(name: "alice", failedAttempts: 0, lockedUntil: h.now + 5))
        h.advance(by: 5)
        #expect(h.send(h.connectAndGreet(), .login(username: "alice", password: "pw-alice"))?.ok == true)
    }

    @Test func afterALockExpiresTheCountStartsAfresh() {
        let h = CoreHarness(accounts: ["alice"])
        lock("alice", in: h)
        h.advance(by: 61)
        let connection = h.connectAndGreet()
        #expect(h.send(connection, .login(username: "alice", password: "bad"))?.code == .wrongPassword)
        #expect(h.persisted.last == .setLockState(name: "alice", failedAttempts: 1, lockedUntil: nil))
        #expect(h.send(connection, .login(username: "alice", password: "bad"))?.code == .wrongPassword)
        #expect(h.send(connection, .login(username: "alice", password: "bad"))?.code == .accountLockedNow)
    }

    @Test func aSuccessfulLoginResetsTheCount() {
        let h = CoreHarness(accounts: ["alice"])
        let first = h.connectAndGreet()
        h.send(first, .login(username: "alice", password: "bad"))
        h.send(first, .login(username: "alice", password: "bad"))
        h.clearOutput()
        #expect(h.send(first, .login(username: "alice", password: "pw-alice"))?.ok == true)
        #expect(h.persisted.first == .setLockState(name: "alice", failedAttempts: 0, lockedUntil: nil))
        h.send(first, .logout)

        let second = h.connectAndGreet()
        #expect(h.send(second, .login(username: "alice", password: "bad"))?.code == .wrongPassword)
        #expect(h.send(second, .login(username: "alice", password: "bad"))?.code == .wrongPassword)
        #expect(h.send(second, .login(username: "alice", password: "pw-alice"))?.ok == true)
    }

    @Test func aCleanLoginWritesNoLockState() {
        let h = CoreHarness(accounts: ["alice"])
        _ = h.send(h.connectAndGreet(), .login(username: "alice", password: "pw-alice"))
        #expect(!h.persisted.contains { if case .setLockState = $0 { true } else { false } })
    }

    @Test func wrongPasswordsCountAcrossConnections() {
        let h = CoreHarness(accounts: ["alice"])
        #expect(h.send(h.connectAndGreet(), .login(username: "alice", password: "x"))?.code == .wrongPassword)
        #expect(h.send(h.connectAndGreet(), .login(username: "alice", password: "x"))?.code == .wrongPassword)
        #expect(h.send(h.connectAndGreet(), .login(username: "alice", password: "x"))?.code == .accountLockedNow)
    }

    @Test func hangingUpDuringTheCheckStillCountsTheWrongPassword() {
        let h = CoreHarness(accounts: ["alice"])
        h.answersPasswordsAtOnce = false
        let connection = h.connectAndGreet()
        h.send(connection, .login(username: "alice", password: "bad"))
        h.disconnect(connection)
        h.answerPasswordWork()
        #expect(h.persisted == [.setLockState(name: "alice", failedAttempts: 1, lockedUntil: nil)])
        #expect(h.frames(connection).count == 1)  // only the hello reply
    }

    @Test func aLockStoredBeforeARestartStillHolds() {
        let h = CoreHarness(
            snapshot: CoreSnapshot(accounts: [
                AccountRecord(
                    name: "alice", passwordHash: CoreHarness.hash("pw-alice"), failedAttempts: 0,
                    lockedUntil: CoreHarness.start + 30)
            ]))
        #expect(h.send(h.connectAndGreet(), .login(username: "alice", password: "pw-alice"))?.code == .accountLocked)
        h.advance(by: 30)
        #expect(h.send(h.connectAndGreet(), .login(username: "alice", password: "pw-alice"))?.ok == true)
    }

    @Test func aCountStoredBeforeARestartCarriesOn() {
        let h = CoreHarness(
            snapshot: CoreSnapshot(accounts: [
                AccountRecord(name: "alice", passwordHash: CoreHarness.hash("pw-alice"), failedAttempts: 2)
            ]))
        #expect(h.send(h.connectAndGreet(), .login(username: "alice", password: "x"))?.code == .accountLockedNow)
    }

    @Test func aSecondLoginIsRefusedAndTheFirstSessionIsUndisturbed() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let alice = try h.logIn("alice")
        let bob = try h.logIn("bob")
        h.clearOutput()
        let intruder = h.connectAndGreet(from: "10.0.0.66")
        let reply = h.send(intruder, .login(username: "alice", password: "pw-alice"))
        #expect(reply?.code == .alreadyLoggedIn)
        #expect(reply?.error?.message == "This user is already logged in")
        #expect(h.frames(alice).isEmpty)
        #expect(h.events(bob).isEmpty)
        #expect(!h.closed.contains(alice))
        #expect(h.persisted.isEmpty)
        #expect(h.core.onlineUsers == ["alice", "bob"])
        #expect(h.send(alice, .whoelse)?.users == ["bob"])
    }

    @Test func whetherAUserIsOnlineIsToldOnlyToTheRightPassword() throws {
        let h = CoreHarness(accounts: ["alice", "mallory"])
        _ = try h.logIn("alice")
        let guess = h.connectAndGreet(from: "10.0.0.66")
        // A guess is a wrong password, online or not, and counts towards the lock as any other.
        #expect(h.send(guess, .login(username: "alice", password: "guess"))?.code == .wrongPassword)
        #expect(h.persisted.contains { if case .setLockState("alice", 1, nil) = $0 { true } else { false } })
        // The right password learns it, and the count starts again.
        #expect(h.send(guess, .login(username: "alice", password: "pw-alice"))?.code == .alreadyLoggedIn)
        #expect(
            h.persisted.last { if case .setLockState = $0 { true } else { false } }
                == .setLockState(
                    name: "alice", failedAttempts: 0, lockedUntil: nil))
    }

    @Test func twoLoginsRacingForOneUserLetOnlyOneIn() {
        let h = CoreHarness(accounts: ["alice"])
        h.answersPasswordsAtOnce = false
        let first = h.connectAndGreet()
        let second = h.connectAndGreet()
        h.send(first, .login(username: "alice", password: "pw-alice"))
        h.send(second, .login(username: "alice", password: "pw-alice"))
        h.answerPasswordWork()
        h.answerPasswordWork()
        #expect(h.replies(first).last?.ok == true)
        #expect(h.replies(second).last?.code == .alreadyLoggedIn)
        #expect(h.core.onlineUsers == ["alice"])
    }

    @Test func requestsSentWhileThePasswordIsCheckedAreAnsweredInOrderAfterIt() {
        let h = CoreHarness(accounts: ["alice", "bob"])
        h.answersPasswordsAtOnce = false
        let connection = h.connectAndGreet()
        h.send(connection, .login(username: "alice", password: "wrong"))
        // A script does not wait for the answer: its next lines wait for the check instead.
        #expect(h.send(connection, .login(username: "alice", password: "pw-alice")) == nil)
        #expect(h.send(connection, .message(to: "bob", text: "hi")) == nil)
        #expect(h.send(connection, .ping)?.ok == true)  // nothing to wait for
        h.answerPasswordWork()
        // hello's, the ping's, then the login's
        #expect(h.replies(connection).map(\.error?.code) == [nil, nil, .wrongPassword])
        h.answerPasswordWork()  // the second login's check
        let replies = h.replies(connection)
        #expect(replies.count == 5 && replies[3].username == "alice" && replies[4].stored == true)
        #expect(h.core.onlineUsers == ["alice"])
    }

    @Test func aClientThatSendsTooMuchWhileThePasswordIsCheckedIsToldBusy() {
        let h = CoreHarness(accounts: ["alice"])
        h.answersPasswordsAtOnce = false
        let connection = h.connectAndGreet()
        h.send(connection, .login(username: "alice", password: "pw-alice"))
        for _ in 0..<ChatCore.maxHeldRequests { #expect(h.send(connection, .whoelse) == nil) }
        #expect(h.send(connection, .whoelse)?.code == .busy)
        h.answerPasswordWork()
        #expect(h.replies(connection).filter { $0.users == [] }.count == ChatCore.maxHeldRequests)
    }

    /// "Log in, ask, log out" sent in one write (a script): the logout waits behind the login like the rest,
    /// so each is answered, in order, and does what it says.
    @Test func aLogoutSentWhileThePasswordIsCheckedIsAnsweredInOrderAfterTheLogin() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let bob = try h.logIn("bob")
        h.clearOutput()
        h.answersPasswordsAtOnce = false
        let connection = h.connectAndGreet()
        h.send(connection, .login(username: "alice", password: "pw-alice"))
        #expect(h.send(connection, .message(to: "bob", text: "hi")) == nil)
        #expect(h.send(connection, .logout) == nil)
        #expect(h.closed.isEmpty)
        h.answerPasswordWork()
        let replies = h.replies(connection)
        #expect(replies.count == 4 && replies.allSatisfy(\.ok))
        #expect(replies.map(\.username).dropFirst() == ["alice", nil, nil])
        #expect(h.closed == [connection])
        #expect(h.core.onlineUsers == ["bob"])
        #expect(
            h.events(bob) == [
                .presence(user: "alice", online: true),
                .message(DeliveredMessage(from: "alice", text: "hi", kind: .direct)),
                .presence(user: "alice", online: false),
            ])
    }

    /// A connection that goes while its password is checked logs nobody in when the check comes back.
    @Test func aConnectionLostWhileThePasswordIsCheckedLogsNobodyIn() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let bob = try h.logIn("bob")
        h.clearOutput()
        h.answersPasswordsAtOnce = false
        let connection = h.connectAndGreet()
        h.send(connection, .login(username: "alice", password: "pw-alice"))
        h.send(connection, .whoelse)
        h.disconnect(connection)
        h.answerPasswordWork()
        #expect(h.core.onlineUsers == ["bob"])
        #expect(h.events(bob).isEmpty)
        #expect(!h.persisted.contains(.recordLogin(name: "alice", at: h.now)))
    }

    @Test func aWrongPasswordCheckedAfterAnotherConnectionLockedTheAccountGetsTheLockText() {
        let h = CoreHarness(accounts: ["alice"])
        let first = h.connectAndGreet()
        h.send(first, .login(username: "alice", password: "bad"))
        h.send(first, .login(username: "alice", password: "bad"))
        h.answersPasswordsAtOnce = false
        let second = h.connectAndGreet()
        h.send(first, .login(username: "alice", password: "bad"))
        h.send(second, .login(username: "alice", password: "bad"))
        h.answerPasswordWork()
        #expect(h.replies(first).last?.code == .accountLockedNow)
        let lockedUntil = h.now + 60
        h.advance(by: 1)
        h.answerPasswordWork()
        #expect(h.replies(second).last?.code == .accountLocked)
        // The attempt made while locked neither counts nor moves the lock.
        #expect(h.persisted.last == .setLockState(name: "alice", failedAttempts: 0, lockedUntil: lockedUntil))
        h.advance(by: 59)
        h.answersPasswordsAtOnce = true
        #expect(h.send(second, .login(username: "alice", password: "bad"))?.code == .wrongPassword)
        #expect(h.persisted.last == .setLockState(name: "alice", failedAttempts: 1, lockedUntil: nil))
    }

    @Test func loggingInTwiceOnOneConnectionIsRefused() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let alice = try h.logIn("alice")
        #expect(h.send(alice, .login(username: "bob", password: "pw-bob"))?.code == .alreadyAuthenticated)
        #expect(
            h.send(alice, .register(username: "carol", password: "pw", confirmation: "pw"))?.code
                == .alreadyAuthenticated)
    }

    @Test func usernamesAreCaseSensitive() {
        let h = CoreHarness(accounts: ["alice"])
        #expect(h.send(h.connectAndGreet(), .login(username: "Alice", password: "pw-alice"))?.code == .newUser)
    }

    @Test(arguments: ["", String(repeating: "a", count: 33), "al ice", "bob!", "émile", "a/b", "tab\tname"])
    func badUsernamesNameTheRule(username: String) {
        let h = CoreHarness()
        let reply = h.send(h.connectAndGreet(), .login(username: username, password: "secret"))
        #expect(reply?.code == .invalidUsername)
        #expect(reply?.error?.message == "Error. Usernames are 1-32 characters of A-Z a-z 0-9 . _ -")
    }

    @Test(arguments: ["a", String(repeating: "z", count: 32), "A.b_c-9", "..."])
    func goodUsernamesAreAccepted(username: String) {
        let h = CoreHarness()
        #expect(h.send(h.connectAndGreet(), .login(username: username, password: "secret"))?.code == .newUser)
    }

    @Test(arguments: ["", "with space", "tab\there", String(repeating: "p", count: 129)])
    func badPasswordsNameTheRule(password: String) {
        let h = CoreHarness(accounts: ["alice"])
        let reply = h.send(h.connectAndGreet(), .login(username: "alice", password: password))
        #expect(reply?.code == .invalidPassword)
        #expect(reply?.error?.message == "Error. Passwords are 1-128 characters without spaces")
        // A malformed password is not a wrong one: it does not count towards the lock.
        #expect(h.persisted.isEmpty)
    }

    /// Fails three times so `user` is locked as of `h.now`.
    private func lock(_ user: String, in h: CoreHarness) {
        let connection = h.connectAndGreet()
        for _ in 1...3 { h.send(connection, .login(username: user, password: "wrong")) }
        #expect(h.replies(connection).last?.code == .accountLockedNow)
    }
}
