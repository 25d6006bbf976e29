import Foundation
import ParleyCore
import ParleyProtocol
import Testing

/// The `password` command: the current password is checked, a wrong one counts towards the lock, and the new
/// one is hashed and stored before the user is told.
@Suite struct PasswordChangeTests {
    private func logInAgain(_ h: CoreHarness, _ user: String, password: String) -> Reply? {
        h.send(h.connectAndGreet(from: "10.0.0.2"), .login(username: user, password: password))
    }

    @Test func theNewPasswordWorksAndTheOldOneNoLonger() throws {
        let h = CoreHarness(accounts: ["alice"])
        let alice = try h.logInQuietly("alice")[0]
        let reply = h.send(alice, .changePassword(current: "pw-alice", new: "fresh-secret"))
        #expect(reply?.ok == true)
        #expect(
            h.persisted == [
                .setPasswordHash(
                    name: "alice", hash: CoreHarness.hash("fresh-secret"), previous: CoreHarness.hash("pw-alice"))
            ])
        // The reply waits until the new hash is durable.
        #expect(Array(h.lastEffects.suffix(2)).first == .holdUntilDurable(alice))
        // The current password was checked against the stored hash, then the new one hashed.
        #expect(
            h.lastEffects.contains(
                .verifyPassword(
                    alice, .number(3), username: "alice", password: "pw-alice", hash: CoreHarness.hash("pw-alice"))))
        #expect(h.lastEffects.contains(.hashPassword(alice, .number(3), username: "alice", password: "fresh-secret")))
        h.send(alice, .logout)
        #expect(logInAgain(h, "alice", password: "pw-alice")?.code == .wrongPassword)
        #expect(logInAgain(h, "alice", password: "fresh-secret")?.ok == true)
    }

    @Test func aWrongCurrentPasswordChangesNothingAndCountsTowardsTheLock() throws {
        let h = CoreHarness(accounts: ["alice"])
        let alice = try h.logInQuietly("alice")[0]
        let wrong = h.send(alice, .changePassword(current: "guess-1", new: "fresh-secret"))
        #expect(wrong?.code == .wrongCurrentPassword)
        #expect(wrong?.error?.message == "Error. That is not your current password; your password was not changed")
        #expect(h.persisted == [.setLockState(name: "alice", failedAttempts: 1, lockedUntil: nil)])
        #expect(!h.lastEffects.contains { if case .hashPassword = $0 { true } else { false } })
        // The session goes on.
        #expect(h.core.onlineUsers == ["alice"])
        #expect(!h.closed.contains(alice))
        #expect(h.send(alice, .whoelse)?.ok == true)
    }

    @Test func theThirdWrongCurrentPasswordLocksTheAccount() throws {
        let h = CoreHarness(accounts: ["alice"], configuration: CoreConfiguration(blockDuration: 60))
        let alice = try h.logInQuietly("alice")[0]
        #expect(h.send(alice, .changePassword(current: "guess-1", new: "x"))?.code == .wrongCurrentPassword)
        #expect(h.send(alice, .changePassword(current: "guess-2", new: "x"))?.code == .wrongCurrentPassword)
        let third = h.send(alice, .changePassword(current: "guess-3", new: "x"))
        #expect(third?.code == .passwordChangeLocked)
        #expect(
            third?.error?.message
                == "Error. Too many wrong passwords; your account is locked for a while. Please try again later")
        #expect(h.persisted.last == .setLockState(name: "alice", failedAttempts: 0, lockedUntil: h.now + 60))
        // While locked, even the right password is not checked, and nobody can log in.
        h.clearOutput()
        #expect(h.send(alice, .changePassword(current: "pw-alice", new: "x"))?.code == .passwordChangeLocked)
        #expect(!h.lastEffects.contains { if case .verifyPassword = $0 { true } else { false } })
        h.send(alice, .logout)
        #expect(logInAgain(h, "alice", password: "pw-alice")?.code == .accountLocked)
        h.advance(by: 60)
        #expect(logInAgain(h, "alice", password: "pw-alice")?.ok == true)
    }

    @Test func theRightCurrentPasswordResetsTheCount() throws {
        let h = CoreHarness(accounts: ["alice"])
        let alice = try h.logInQuietly("alice")[0]
        #expect(h.send(alice, .changePassword(current: "guess", new: "fresh"))?.code == .wrongCurrentPassword)
        #expect(h.send(alice, .changePassword(current: "pw-alice", new: "fresh"))?.ok == true)
        #expect(h.persisted.contains(.setLockState(name: "alice", failedAttempts: 0, lockedUntil: nil)))
    }

    @Test func aNewPasswordThatBreaksTheRulesIsRefusedBeforeAnyCheck() throws {
        let h = CoreHarness(accounts: ["alice"])
        let alice = try h.logInQuietly("alice")[0]
        for bad in ["", "has space", String(repeating: "x", count: 129)] {
            let reply = h.send(alice, .changePassword(current: "pw-alice", new: bad))
            #expect(reply?.code == .invalidPassword)
            #expect(!h.lastEffects.contains { if case .verifyPassword = $0 { true } else { false } })
        }
        #expect(h.persisted.isEmpty)
    }

    @Test func oneChangeAtATime() throws {
        let h = CoreHarness(accounts: ["alice"])
        let alice = try h.logInQuietly("alice")[0]
        h.answersPasswordsAtOnce = false
        #expect(h.send(alice, .changePassword(current: "pw-alice", new: "first")) == nil)
        #expect(h.send(alice, .changePassword(current: "pw-alice", new: "second"))?.code == .busy)
        h.answerPasswordWork()  // the check
        h.answerPasswordWork()  // the hash
        #expect(h.replies(alice).last?.ok == true)
        #expect(h.persisted.last?.isPasswordHash(of: "first") == true)
        // Other commands go on while a change is being worked on.
        #expect(h.send(alice, .changePassword(current: "first", new: "third")) == nil)
        #expect(h.send(alice, .whoelse)?.ok == true)
    }

    @Test func aClientThatLeavesBeforeTheHashIsDoneKeepsItsOldPassword() throws {
        let h = CoreHarness(accounts: ["alice"])
        let alice = try h.logInQuietly("alice")[0]
        h.answersPasswordsAtOnce = false
        h.send(alice, .changePassword(current: "pw-alice", new: "never-told"))
        h.answerPasswordWork()  // the check; the hash now runs
        h.send(alice, .logout)
        h.answerPasswordWork()
        #expect(!h.persisted.contains { $0.isPasswordHash(of: "never-told") })
        h.answersPasswordsAtOnce = true
        #expect(logInAgain(h, "alice", password: "pw-alice")?.ok == true)
    }

    @Test func aWrongGuessCountsEvenIfTheClientHangsUpWhileItIsChecked() throws {
        let h = CoreHarness(accounts: ["alice"])
        let alice = try h.logInQuietly("alice")[0]
        h.answersPasswordsAtOnce = false
        h.send(alice, .changePassword(current: "guess", new: "fresh"))
        h.disconnect(alice)
        h.answerPasswordWork()
        #expect(h.persisted.contains(.setLockState(name: "alice", failedAttempts: 1, lockedUntil: nil)))
    }

    @Test func aWrongGuessCountsEvenIfTheUserLogsOutWhileItIsChecked() throws {
        let h = CoreHarness(accounts: ["alice"])
        let alice = try h.logInQuietly("alice")[0]
        h.answersPasswordsAtOnce = false
        h.send(alice, .changePassword(current: "guess", new: "fresh"))
        h.send(alice, .logout)
        h.clearOutput()
        h.answerPasswordWork()
        #expect(h.persisted == [.setLockState(name: "alice", failedAttempts: 1, lockedUntil: nil)])
        #expect(h.frames(alice).isEmpty)
    }

    @Test func aNewPasswordThatCouldNotBeStoredIsTakenBack() throws {
        let h = CoreHarness(accounts: ["alice"])
        let alice = try h.logInQuietly("alice")[0]
        #expect(h.send(alice, .changePassword(current: "pw-alice", new: "unstored"))?.ok == true)
        let write = try #require(h.persisted.last)
        h.feed(.writesFailed([write]))  // alice was told store_failure
        h.send(alice, .logout)
        #expect(logInAgain(h, "alice", password: "unstored")?.code == .wrongPassword)
        #expect(logInAgain(h, "alice", password: "pw-alice")?.ok == true)
    }

    @Test func eachChangeTakesALoginAttempt() throws {
        var configuration = CoreConfiguration()
        configuration.loginAttemptsPerAccount = RateLimit(burst: 3, perSecond: 1.0 / 60)
        let h = CoreHarness(accounts: ["alice"], configuration: configuration)
        let alice = try h.logInQuietly("alice")[0]  // the login was refunded
        #expect(h.send(alice, .changePassword(current: "pw-alice", new: "second"))?.ok == true)
        #expect(h.send(alice, .changePassword(current: "second", new: "third"))?.ok == true)
        #expect(h.send(alice, .changePassword(current: "third", new: "fourth"))?.ok == true)
        let refused = h.send(alice, .changePassword(current: "fourth", new: "fifth"))
        #expect(refused?.code == .tooManyPasswordChanges)
        #expect(refused?.error?.message == "Error. Too many password changes; please wait a minute and try again")
        h.advance(by: 60)
        #expect(h.send(alice, .changePassword(current: "fourth", new: "fifth"))?.ok == true)
    }

    @Test func onlyALoggedInUserMayChangeAPassword() {
        let h = CoreHarness(accounts: ["alice"])
        let anonymous = h.connectAndGreet()
        #expect(h.send(anonymous, .changePassword(current: "pw-alice", new: "x"))?.code == .notLoggedIn)
    }
}

extension StoreWrite {
    /// Whether this write stores the (fake) hash of `password`.
    fileprivate func isPasswordHash(of password: String) -> Bool {
        if case .setPasswordHash(_, let hash, _) = self { return hash == CoreHarness.hash(password) }
        return false
    }
}
