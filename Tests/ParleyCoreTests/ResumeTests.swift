import Foundation
import ParleyCore
import ParleyProtocol
import Testing

/// Picking a session up again with a resume token instead of the password (`ChatCore+Resume`).
@Suite struct ResumeTests {
    /// `user` logged in on a connection that asked for resume tokens; the connection and the token.
    private func logInResumable(_ h: CoreHarness, _ user: String) throws -> (ConnectionID, String) {
        let connection = h.connect()
        h.send(connection, .hello(version: ProtocolLimits.version, client: "tests", resumable: true))
        let reply = h.send(connection, .login(username: user, password: CoreHarness.password(for: user)))
        let token = try #require(reply?.resume)
        return (connection, token)
    }

    private func resume(_ h: CoreHarness, _ user: String, _ token: String) -> (ConnectionID, Reply?) {
        let connection = h.connectAndGreet()
        return (connection, h.send(connection, .resume(username: user, token: token)))
    }

    @Test func aLostConnectionIsResumedWithTheTokenWhichIsThenUsedUp() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let (first, token) = try logInResumable(h, "alice")
        let bob = try h.logIn("bob")
        h.clearOutput()
        h.disconnect(first)
        // Stored as its digest, never as the token; the window starts when the connection was lost.
        #expect(
            h.persisted.contains(
                .setResumeGrant(name: "alice", grant: ResumeGrant(tokenDigest: "d:\(token)", endedAt: h.now))))
        #expect(!h.persisted.contains { "\($0)".contains("\"\(token)\"") || "\($0)".contains("(\(token))") })
        h.advance(by: 30)
        h.clearOutput()
        let (second, reply) = resume(h, "alice", token)
        #expect(reply?.ok == true && reply?.username == "alice" && reply?.waiting == 0)
        #expect(reply?.resume == nil)  // this connection did not ask for tokens
        #expect(h.core.onlineUsers == ["alice", "bob"])
        #expect(h.events(bob) == [.presence(user: "alice", online: true)])
        #expect(h.core.statistics.resumes == 1 && h.core.statistics.logins == 2)  // alice once, bob once
        // Single use: the grant went with the resume (this connection asked for no new one).
        #expect(h.persisted.contains(.setResumeGrant(name: "alice", grant: nil)))
        h.disconnect(second)
        #expect(resume(h, "alice", token).1?.code == .resumeRefused)
    }

    @Test func eachResumeOnAResumableConnectionGivesTheNextToken() throws {
        let h = CoreHarness(accounts: ["alice"])
        var (connection, token) = try logInResumable(h, "alice")
        for _ in 1...3 {
            h.disconnect(connection)
            connection = h.connect()
            h.send(connection, .hello(version: ProtocolLimits.version, client: "tests", resumable: true))
            let reply = h.send(connection, .resume(username: "alice", token: token))
            #expect(reply?.ok == true)
            let next = try #require(reply?.resume)
            #expect(next != token)
            token = next
        }
    }

    /// A resume on a connection that asked for tokens; its reply (with the next token) may be "lost".
    private func resumeResumable(_ h: CoreHarness, _ user: String, _ token: String) -> (ConnectionID, Reply?) {
        let connection = h.connect()
        h.send(connection, .hello(version: ProtocolLimits.version, client: "tests", resumable: true))
        return (connection, h.send(connection, .resume(username: user, token: token)))
    }

    @Test func aResumeWhoseAnswerWasLostIsMadeAgainWithTheSameTokenUntilTheNextIsUsed() throws {
        let h = CoreHarness(accounts: ["alice"])
        let (first, used) = try logInResumable(h, "alice")
        h.disconnect(first)
        let (second, lostReply) = resumeResumable(h, "alice", used)
        let lost = try #require(lostReply?.resume)  // the connection goes before the client reads this
        h.disconnect(second)
        // The client still holds only the token it used: it is taken again, and the lost one is gone.
        let (third, again) = resumeResumable(h, "alice", used)
        #expect(again?.ok == true)
        let next = try #require(again?.resume)
        h.disconnect(third)
        #expect(resume(h, "alice", lost).1?.code == .resumeRefused)
        // Once the next token has been used, the old one is done with.
        let (fourth, afterNext) = resumeResumable(h, "alice", next)
        #expect(afterNext?.ok == true)
        h.disconnect(fourth)
        #expect(resume(h, "alice", used).1?.code == .resumeRefused)
        // A login with the password starts afresh: no token from before it is taken.
        let (fifth, _) = try logInResumable(h, "alice")
        h.disconnect(fifth)
        #expect(resume(h, "alice", next).1?.code == .resumeRefused)
    }

    @Test func theTokenOfAResumeWhoseAnswerWasLostIsTakenOnlyWithinTheWindow() throws {
        var configuration = CoreConfiguration()
        configuration.resumeWindow = 600
        configuration.inactivityTimeout = nil
        let h = CoreHarness(accounts: ["alice"], configuration: configuration)
        let (first, used) = try logInResumable(h, "alice")
        h.disconnect(first)
        let (second, lostReply) = resumeResumable(h, "alice", used)
        #expect(lostReply?.resume != nil)
        // The server has not noticed the loss: the session, and with it the grant, lasts.
        h.advance(by: 600)
        #expect(resume(h, "alice", used).1?.code == .resumeRefused)
        #expect(h.core.onlineUsers == ["alice"] && h.events(second).isEmpty)
    }

    @Test func theWindowClosesResumeAfterALossOrAServerStop() throws {
        var configuration = CoreConfiguration()
        configuration.resumeWindow = 600
        let h = CoreHarness(accounts: ["alice"], configuration: configuration)
        let (connection, token) = try logInResumable(h, "alice")
        h.disconnect(connection)
        h.advance(by: 600)
        #expect(resume(h, "alice", token).1?.code == .resumeRefused)
        // Nor does a window opened by the server's shutdown last longer.
        let (again, newToken) = try logInResumable(h, "alice")
        _ = again
        h.feed(.shutdown)
        h.advance(by: 599)
        #expect(resume(h, "alice", newToken).1?.ok == true)
    }

    @Test func aLogoutOrAnInactivityLogoutEndsTheGrantAtOnce() throws {
        let h = CoreHarness(accounts: ["alice"])
        let (first, token) = try logInResumable(h, "alice")
        h.send(first, .logout)
        #expect(
            h.persisted.last { if case .setResumeGrant = $0 { true } else { false } }
                == .setResumeGrant(name: "alice", grant: nil))
        #expect(resume(h, "alice", token).1?.code == .resumeRefused)

        let (second, secondToken) = try logInResumable(h, "alice")
        h.advance(by: 121)
        h.fire(.inactivity(second))
        #expect(resume(h, "alice", secondToken).1?.code == .resumeRefused)
    }

    @Test func aResumeTakesTheSessionFromAConnectionNotFoundDeadYet() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let (halfOpen, token) = try logInResumable(h, "alice")
        let bob = try h.logIn("bob")
        h.clearOutput()
        let (fresh, reply) = resume(h, "alice", token)
        #expect(reply?.ok == true)
        #expect(h.events(halfOpen) == [.loggedOut(reason: .resumedElsewhere)])
        #expect(h.closed == [halfOpen])
        #expect(h.events(bob) == [.presence(user: "alice", online: false), .presence(user: "alice", online: true)])
        #expect(h.send(fresh, .whoelse)?.users == ["bob"])
        // A login with the password is still refused while the session lasts (SPEC 2.5).
        let other = h.connectAndGreet()
        #expect(h.send(other, .login(username: "alice", password: "pw-alice"))?.code == .alreadyLoggedIn)
    }

    @Test func wrongTokensAreRefusedAndCountAgainstTheLoginLimitsButNeverLockTheAccount() throws {
        var configuration = CoreConfiguration()
        configuration.loginAttemptsPerAddress = RateLimit(burst: 3, perSecond: 0.001)
        let h = CoreHarness(accounts: ["alice"], configuration: configuration)
        let (connection, token) = try logInResumable(h, "alice")
        h.disconnect(connection)
        let guesser = h.connectAndGreet(from: "10.6.6.6")
        for guess in ["a", "b", "c"] {
            #expect(h.send(guesser, .resume(username: "alice", token: guess))?.code == .resumeRefused)
        }
        #expect(h.send(guesser, .resume(username: "alice", token: token))?.code == .tooManyLoginAttempts)
        #expect(h.send(guesser, .resume(username: "nobody", token: "x"))?.code == .tooManyLoginAttempts)
        // The account is not locked: its own client, from its own address, comes back.
        let (_, reply) = resume(h, "alice", token)
        #expect(reply?.ok == true)
        #expect(!h.persisted.contains { if case .setLockState = $0 { true } else { false } })
    }

    @Test func aConnectionThatAsksForNoTokenGetsNoneAndEndsAnOldGrant() throws {
        let h = CoreHarness(accounts: ["alice"])
        let (resumable, token) = try logInResumable(h, "alice")
        h.disconnect(resumable)
        let plain = h.connectAndGreet()
        let reply = h.send(plain, .login(username: "alice", password: "pw-alice"))
        #expect(reply?.ok == true && reply?.resume == nil)
        h.disconnect(plain)
        #expect(resume(h, "alice", token).1?.code == .resumeRefused)
        #expect(h.send(h.connect(), .resume(username: "alice", token: token))?.code == .helloRequired)
    }

    @Test func aGrantFromTheStoreIsHonouredAfterARestartWithinItsWindow() {
        let ended = CoreHarness.start.addingTimeInterval(-60)
        let record = AccountRecord(
            name: "alice", passwordHash: CoreHarness.hash("pw-alice"),
            resume: ResumeGrant(tokenDigest: CoreHarness.digest("t0k3n"), endedAt: ended))
        let h = CoreHarness(snapshot: CoreSnapshot(accounts: [record]))
        let (_, reply) = resume(h, "alice", "t0k3n")
        #expect(reply?.ok == true)
        #expect(h.core.onlineUsers == ["alice"])
    }

    @Test func theDigestComparisonNeedsTheWholeDigest() {
        let grant = ResumeGrant(tokenDigest: "d:abcdef")
        let h = CoreHarness(
            snapshot: CoreSnapshot(accounts: [
                AccountRecord(name: "alice", passwordHash: CoreHarness.hash("pw"), resume: grant)
            ]))
        for token in ["abcde", "abcdefg", "Abcdef", ""] {
            #expect(resume(h, "alice", token).1?.code == .resumeRefused)
        }
    }
}
