import Foundation
import ParleyCore
import ParleyProtocol
import Testing

/// SPEC section 5: the server brokers consent, addresses and one-time tokens for peer-to-peer sessions.
@Suite struct PrivateSessionTests {
    /// alice (from 10.0.0.1) and bob (from 10.0.0.2) logged in, output so far forgotten.
    private func aliceAndBob(_ h: CoreHarness) throws -> (alice: ConnectionID, bob: ConnectionID) {
        let alice = try h.logIn("alice", from: "10.0.0.1")
        let bob = try h.logIn("bob", from: "10.0.0.2")
        h.clearOutput()
        return (alice, bob)
    }

    /// alice asks bob, bob accepts; output so far forgotten.
    private func activeSession(_ h: CoreHarness) throws -> (alice: ConnectionID, bob: ConnectionID) {
        let (alice, bob) = try aliceAndBob(h)
        h.send(alice, .startPrivate(user: "bob", port: 5555))
        h.send(bob, .answerPrivate(user: "alice", accept: true))
        h.clearOutput()
        return (alice, bob)
    }

    // MARK: Asking

    @Test func startprivateAsksTheTargetForConsent() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let (alice, bob) = try aliceAndBob(h)
        let reply = h.send(alice, .startPrivate(user: "bob", port: 5555))
        #expect(reply?.ok == true)
        #expect(h.events(bob) == [.privateRequest(from: "alice")])
        #expect(h.events(alice).isEmpty)
        #expect(h.lastEffects.contains(.schedule(.privateRequest(from: "alice", to: "bob"), at: h.now + 60)))
        #expect(Texts.waitingForConsent("bob") == "Waiting for bob to accept private messaging")
        #expect(Texts.consentQuestion("alice") == "alice would like to private message, enter y or n: ")
    }

    @Test func startprivateErrors() throws {
        let h = CoreHarness(accounts: ["alice", "bob", "carol", "dave"], blocks: [(blocker: "dave", blocked: "alice")])
        let alice = try h.logIn("alice")
        _ = try h.logIn("dave")

        let unknown = h.send(alice, .startPrivate(user: "nobody", port: 5555))
        #expect(unknown?.code == .invalidUser)
        #expect(unknown?.error?.message == "Error. Invalid user")

        let yourself = h.send(alice, .startPrivate(user: "alice", port: 5555))
        #expect(yourself?.code == .cannotPrivateSelf)
        #expect(yourself?.error?.message == "Error. Cannot start private messaging with yourself")

        let offline = h.send(alice, .startPrivate(user: "carol", port: 5555))
        #expect(offline?.code == .userOffline)
        #expect(offline?.error?.message == "Error. carol is offline")

        let blocked = h.send(alice, .startPrivate(user: "dave", port: 5555))
        #expect(blocked?.code == .blockedByUser)
        #expect(blocked?.error?.message == "Error. dave has blocked you")

        #expect(h.timers.keys.allSatisfy { if case .inactivity = $0 { true } else { false } })
    }

    @Test func startprivateWithAnActiveSessionIsRefused() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let (alice, bob) = try activeSession(h)
        let again = h.send(alice, .startPrivate(user: "bob", port: 5556))
        #expect(again?.code == .privateAlreadyActive)
        #expect(again?.error?.message == "Error. Private messaging with bob is already active")
        #expect(h.send(bob, .startPrivate(user: "alice", port: 6000))?.code == .privateAlreadyActive)
        #expect(h.events(bob).isEmpty)
    }

    @Test func startprivateWithARequestWaitingIsRefusedEitherWay() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let (alice, bob) = try aliceAndBob(h)
        h.send(alice, .startPrivate(user: "bob", port: 5555))
        let again = h.send(alice, .startPrivate(user: "bob", port: 5555))
        #expect(again?.code == .privateRequestPending)
        #expect(again?.error?.message == "Error. A private messaging request between you and bob is already waiting")
        #expect(h.send(bob, .startPrivate(user: "alice", port: 6000))?.code == .privateRequestPending)
        #expect(h.events(bob) == [.privateRequest(from: "alice")])
    }

    @Test(arguments: [0, -1, 65536])
    func startprivateNeedsAUsablePort(port: Int) throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let (alice, bob) = try aliceAndBob(h)
        #expect(h.send(alice, .startPrivate(user: "bob", port: port))?.code == .invalidArguments)
        #expect(h.events(bob).isEmpty)
    }

    // MARK: Answering

    @Test func acceptingHandsBothPeersTheRequestersAddressPortAndOneToken() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let (alice, bob) = try aliceAndBob(h)
        h.send(alice, .startPrivate(user: "bob", port: 5555))
        let reply = h.send(bob, .answerPrivate(user: "alice", accept: true))
        #expect(reply?.ok == true)
        #expect(
            h.events(alice) == [
                .privateReady(PrivateGrant(user: "bob", host: "10.0.0.1", port: 5555, token: "token-1", role: .listen))
            ])
        #expect(
            h.events(bob) == [
                .privateRequest(from: "alice"),
                .privateReady(
                    PrivateGrant(user: "alice", host: "10.0.0.1", port: 5555, token: "token-1", role: .connect)),
            ])
        #expect(h.timers[.privateRequest(from: "alice", to: "bob")] == nil)
        #expect(Texts.privateStarted("bob") == "Start private messaging with bob")
    }

    @Test func everySessionGetsAFreshToken() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let (alice, bob) = try activeSession(h)
        h.send(alice, .stopPrivate(user: "bob"))
        h.send(bob, .startPrivate(user: "alice", port: 7777))
        h.send(alice, .answerPrivate(user: "bob", accept: true))
        #expect(
            h.events(bob).last
                == .privateReady(
                    PrivateGrant(user: "alice", host: "10.0.0.2", port: 7777, token: "token-2", role: .listen)))
        #expect(
            h.events(alice).last
                == .privateReady(
                    PrivateGrant(user: "bob", host: "10.0.0.2", port: 7777, token: "token-2", role: .connect)))
    }

    @Test func decliningTellsTheRequester() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let (alice, bob) = try aliceAndBob(h)
        h.send(alice, .startPrivate(user: "bob", port: 5555))
        #expect(h.send(bob, .answerPrivate(user: "alice", accept: false))?.ok == true)
        #expect(h.events(alice) == [.privateDeclined(user: "bob")])
        #expect(h.timers[.privateRequest(from: "alice", to: "bob")] == nil)
        #expect(h.send(alice, .stopPrivate(user: "bob"))?.code == .privateNotEnabled)
        #expect(Texts.consentDeclined("bob") == "bob declined private messaging")
        // A new request may follow.
        #expect(h.send(alice, .startPrivate(user: "bob", port: 5555))?.ok == true)
    }

    @Test func answeringWithoutARequestIsRefused() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let (alice, bob) = try aliceAndBob(h)
        let none = h.send(bob, .answerPrivate(user: "alice", accept: true))
        #expect(none?.code == .noPrivateRequest)
        #expect(none?.error?.message == "Error. alice has not asked to private message you")
        // The requester cannot answer their own request.
        h.send(alice, .startPrivate(user: "bob", port: 5555))
        #expect(h.send(alice, .answerPrivate(user: "bob", accept: true))?.code == .noPrivateRequest)
        #expect(h.send(bob, .answerPrivate(user: "alice", accept: true))?.ok == true)
        // Only once.
        #expect(h.send(bob, .answerPrivate(user: "alice", accept: true))?.code == .noPrivateRequest)
    }

    // MARK: Expiry

    @Test func anUnansweredRequestExpiresAfterSixtySeconds() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let (alice, bob) = try aliceAndBob(h)
        h.send(alice, .startPrivate(user: "bob", port: 5555))
        h.advance(by: 59)
        #expect(h.events(alice).isEmpty)
        h.advance(by: 1)
        #expect(h.events(alice) == [.privateExpired(user: "bob")])
        #expect(
            h.events(bob) == [.privateRequest(from: "alice"), .privateRequestClosed(from: "alice", reason: .expired)])
        #expect(h.send(bob, .answerPrivate(user: "alice", accept: true))?.code == .noPrivateRequest)
        #expect(h.send(alice, .startPrivate(user: "bob", port: 5555))?.ok == true)
        #expect(Texts.consentExpired("bob") == "bob did not answer the private messaging request")
    }

    @Test func anEarlyFiringDoesNotExpireTheRequestButKeepsItsTimer() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let (alice, bob) = try aliceAndBob(h)
        h.send(alice, .startPrivate(user: "bob", port: 5555))
        let deadline = h.now + 60
        h.advance(by: 30)
        h.clearOutput()
        h.fire(.privateRequest(from: "alice", to: "bob"))
        #expect(h.frames(alice).isEmpty)
        #expect(h.frames(bob).isEmpty)
        #expect(h.timers[.privateRequest(from: "alice", to: "bob")] == deadline)
        h.advance(by: 30)
        #expect(h.events(alice) == [.privateExpired(user: "bob")])
    }

    @Test func aStaleFiringAfterAnAnswerDoesNothing() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let (alice, bob) = try aliceAndBob(h)
        h.send(alice, .startPrivate(user: "bob", port: 5555))
        h.send(bob, .answerPrivate(user: "alice", accept: true))
        h.advance(by: 61)
        h.clearOutput()
        h.fire(.privateRequest(from: "alice", to: "bob"))
        #expect(h.frames(alice).isEmpty)
        #expect(h.frames(bob).isEmpty)
        #expect(h.send(alice, .stopPrivate(user: "bob"))?.ok == true)
    }

    // MARK: Ending

    @Test func stopprivateEndsTheSessionForBoth() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let (alice, bob) = try activeSession(h)
        #expect(h.send(bob, .stopPrivate(user: "alice"))?.ok == true)
        #expect(h.events(alice) == [.privateEnded(user: "bob", reason: .stopped)])
        #expect(h.events(bob).isEmpty)
        #expect(Texts.privateEnded("bob") == "Private messaging with bob has ended")
        let again = h.send(alice, .stopPrivate(user: "bob"))
        #expect(again?.code == .privateNotEnabled)
        #expect(again?.error?.message == "Error. Private messaging to bob not enabled")
    }

    @Test func stopprivateWithoutASessionIsRefused() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let (alice, bob) = try aliceAndBob(h)
        #expect(h.send(alice, .stopPrivate(user: "bob"))?.code == .privateNotEnabled)
        #expect(
            h.send(alice, .stopPrivate(user: "nobody"))?.error?.message
                == "Error. Private messaging to nobody not enabled")
        // Nor does it withdraw a request made to us: that is what `decline` is for.
        h.send(alice, .startPrivate(user: "bob", port: 5555))
        #expect(h.send(bob, .stopPrivate(user: "alice"))?.code == .privateNotEnabled)
    }

    /// The requester calls off a request not answered yet: the target is told it is no longer open, its timer
    /// is gone, and a late yes starts nothing.
    @Test func stopprivateWithdrawsOnesOwnWaitingRequest() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let (alice, bob) = try aliceAndBob(h)
        h.send(alice, .startPrivate(user: "bob", port: 5555))
        #expect(h.send(alice, .stopPrivate(user: "bob"))?.ok == true)
        #expect(
            h.events(bob) == [
                .privateRequest(from: "alice"), .privateRequestClosed(from: "alice", reason: .stopped),
            ])
        #expect(h.timers[.privateRequest(from: "alice", to: "bob")] == nil)
        #expect(h.send(bob, .answerPrivate(user: "alice", accept: true))?.code == .noPrivateRequest)
        #expect(h.events(alice).isEmpty)
        #expect(h.send(alice, .stopPrivate(user: "bob"))?.code == .privateNotEnabled)
        // And it may be asked again.
        #expect(h.send(alice, .startPrivate(user: "bob", port: 5555))?.ok == true)
    }

    @Test func aPeerWhoLogsOutEndsTheSession() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let (alice, bob) = try activeSession(h)
        h.send(alice, .logout)
        #expect(
            h.events(bob) == [.privateEnded(user: "alice", reason: .logout), .presence(user: "alice", online: false)])
        #expect(Texts.privatePeerLoggedOut("alice") == "alice logged out, private messaging ended")
        #expect(h.send(bob, .stopPrivate(user: "alice"))?.code == .privateNotEnabled)
    }

    @Test func aPeerWhoTimesOutEndsTheSession() throws {
        let h = CoreHarness(accounts: ["alice", "bob"], configuration: CoreConfiguration(inactivityTimeout: 30))
        let (alice, bob) = try activeSession(h)
        h.advance(by: 20)
        h.send(bob, .activity)
        h.advance(by: 10)
        #expect(h.events(alice) == [.loggedOut(reason: .inactivity)])
        #expect(
            h.events(bob) == [.privateEnded(user: "alice", reason: .timeout), .presence(user: "alice", online: false)])
    }

    @Test func aPeerWhoDropsEndsTheSession() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let (alice, bob) = try activeSession(h)
        h.disconnect(bob)
        #expect(
            h.events(alice) == [.privateEnded(user: "bob", reason: .disconnect), .presence(user: "bob", online: false)])
        // The session is gone: a new one can be asked for once bob is back.
        let bobAgain = try h.logIn("bob", from: "10.0.0.2")
        #expect(h.send(alice, .startPrivate(user: "bob", port: 5555))?.ok == true)
        #expect(h.events(bobAgain).last == .privateRequest(from: "alice"))
    }

    @Test func theRequesterLeavingClosesTheRequestForTheTarget() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let (alice, bob) = try aliceAndBob(h)
        h.send(alice, .startPrivate(user: "bob", port: 5555))
        h.send(alice, .logout)
        #expect(
            h.events(bob) == [
                .privateRequest(from: "alice"), .privateRequestClosed(from: "alice", reason: .logout),
                .presence(user: "alice", online: false),
            ])
        #expect(h.timers[.privateRequest(from: "alice", to: "bob")] == nil)
        #expect(h.send(bob, .answerPrivate(user: "alice", accept: true))?.code == .noPrivateRequest)
    }

    @Test func theTargetLeavingTellsTheRequester() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let (alice, bob) = try aliceAndBob(h)
        h.send(alice, .startPrivate(user: "bob", port: 5555))
        h.disconnect(bob)
        #expect(
            h.events(alice) == [.privateEnded(user: "bob", reason: .disconnect), .presence(user: "bob", online: false)])
        #expect(h.timers[.privateRequest(from: "alice", to: "bob")] == nil)
    }

    @Test func sessionsWithDifferentPeersAreIndependent() throws {
        let h = CoreHarness(accounts: ["alice", "bob", "carol"])
        let (alice, bob) = try activeSession(h)
        let carol = try h.logIn("carol", from: "10.0.0.3")
        h.send(carol, .startPrivate(user: "alice", port: 9000))
        h.send(alice, .answerPrivate(user: "carol", accept: true))
        h.clearOutput()
        h.send(alice, .logout)
        #expect(h.events(bob).first == .privateEnded(user: "alice", reason: .logout))
        #expect(h.events(carol).first == .privateEnded(user: "alice", reason: .logout))
    }
}
