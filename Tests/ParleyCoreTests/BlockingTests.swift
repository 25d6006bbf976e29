import Foundation
import ParleyCore
import ParleyProtocol
import Testing

/// SPEC section 3: `block` and `unblock`, and everything a block hides.
@Suite struct BlockingTests {
    @Test func blockIsStoredBeforeTheReplyAndStopsMessages() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let users = try h.logInQuietly("alice", "bob")
        let reply = h.send(users[0], .block(user: "bob"))
        #expect(reply?.ok == true)
        #expect(Texts.blocked("bob") == "bob is blocked")
        #expect(
            h.lastEffects == [
                .persist(.block(blocker: "alice", blocked: "bob")), .holdUntilDurable(users[0]),
                .send(users[0], .reply(try #require(reply))),
            ])
        #expect(h.send(users[1], .message(to: "alice", text: "hey"))?.code == .blockedByRecipient)
        #expect(h.events(users[0]).isEmpty)
    }

    @Test func blockingTwiceStoresOnce() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let alice = try h.logIn("alice")
        #expect(h.send(alice, .block(user: "bob"))?.ok == true)
        #expect(h.send(alice, .block(user: "bob"))?.ok == true)
        #expect(h.persisted.filter { $0 == .block(blocker: "alice", blocked: "bob") }.count == 1)
    }

    @Test func blockErrors() throws {
        let h = CoreHarness(accounts: ["alice"])
        let alice = try h.logIn("alice")
        let unknown = h.send(alice, .block(user: "nobody"))
        #expect(unknown?.code == .invalidUser)
        #expect(unknown?.error?.message == "Error. Invalid user")
        let yourself = h.send(alice, .block(user: "alice"))
        #expect(yourself?.code == .cannotBlockSelf)
        #expect(yourself?.error?.message == "Error. Cannot block self")
        #expect(!h.persisted.contains { if case .block = $0 { true } else { false } })
    }

    @Test func unblockUndoesTheBlock() throws {
        let h = CoreHarness(accounts: ["alice", "bob"], blocks: [(blocker: "alice", blocked: "bob")])
        let users = try h.logInQuietly("alice", "bob")
        #expect(h.send(users[1], .message(to: "alice", text: "hey"))?.code == .blockedByRecipient)
        let reply = h.send(users[0], .unblock(user: "bob"))
        #expect(reply?.ok == true)
        #expect(Texts.unblocked("bob") == "bob is unblocked")
        #expect(
            h.lastEffects == [
                .persist(.unblock(blocker: "alice", blocked: "bob")), .holdUntilDurable(users[0]),
                .send(users[0], .reply(try #require(reply))),
            ])
        #expect(h.send(users[1], .message(to: "alice", text: "hey"))?.ok == true)
    }

    @Test func blocksMadeAndUndoneWhileRunningChangeWhatBroadcastAndWhoelseSee() throws {
        let h = CoreHarness(accounts: ["alice", "bob", "carol"])
        let users = try h.logInQuietly("alice", "bob", "carol")
        #expect(h.send(users[2], .block(user: "alice"))?.ok == true)
        #expect(h.send(users[0], .broadcast(text: "one"))?.partial == true)
        #expect(h.events(users[2]).isEmpty)
        #expect(h.send(users[0], .whoelse)?.users == ["bob"])
        #expect(h.send(users[2], .unblock(user: "alice"))?.ok == true)
        #expect(h.send(users[0], .broadcast(text: "two"))?.partial == false)
        #expect(h.events(users[2]).count == 1)
        #expect(h.send(users[0], .whoelse)?.users == ["bob", "carol"])
    }

    @Test func aBlockThatCouldNotBeStoredDoesNotTakeEffect() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let users = try h.logInQuietly("alice", "bob")
        #expect(h.send(users[0], .block(user: "bob"))?.ok == true)
        h.feed(.writesFailed([.block(blocker: "alice", blocked: "bob")]))  // alice was told store_failure
        #expect(h.send(users[1], .message(to: "alice", text: "hey"))?.stored == false)
        #expect(h.send(users[1], .broadcast(text: "all"))?.partial == false)
        // Trying again stores it again.
        #expect(h.send(users[0], .block(user: "bob"))?.ok == true)
        #expect(h.persisted.filter { $0 == .block(blocker: "alice", blocked: "bob") }.count == 2)
    }

    @Test func anUnblockThatCouldNotBeStoredLeavesTheBlock() throws {
        let h = CoreHarness(accounts: ["alice", "bob"], blocks: [(blocker: "alice", blocked: "bob")])
        let users = try h.logInQuietly("alice", "bob")
        #expect(h.send(users[0], .unblock(user: "bob"))?.ok == true)
        h.feed(.writesFailed([.unblock(blocker: "alice", blocked: "bob")]))
        #expect(h.send(users[1], .message(to: "alice", text: "hey"))?.code == .blockedByRecipient)
        #expect(h.send(users[1], .broadcast(text: "all"))?.partial == true)
    }

    @Test func aBlockAndItsUnblockFailingTogetherLeaveNoBlock() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let users = try h.logInQuietly("alice", "bob")
        #expect(h.send(users[0], .block(user: "bob"))?.ok == true)
        #expect(h.send(users[0], .unblock(user: "bob"))?.ok == true)
        h.feed(
            .writesFailed([.block(blocker: "alice", blocked: "bob"), .unblock(blocker: "alice", blocked: "bob")]))
        #expect(h.send(users[1], .message(to: "alice", text: "hey"))?.stored == false)
    }

    @Test func unblockErrors() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let alice = try h.logIn("alice")
        let unknown = h.send(alice, .unblock(user: "nobody"))
        #expect(unknown?.code == .invalidUser)
        #expect(unknown?.error?.message == "Error. Invalid user")
        let yourself = h.send(alice, .unblock(user: "alice"))
        #expect(yourself?.code == .cannotUnblockSelf)
        #expect(yourself?.error?.message == "Error. Cannot unblock self")
        let notBlocked = h.send(alice, .unblock(user: "bob"))
        #expect(notBlocked?.code == .notBlocked)
        #expect(notBlocked?.error?.message == "Error. bob was not blocked")
        #expect(!h.persisted.contains { if case .unblock = $0 { true } else { false } })
    }

    @Test func blockingAnOfflineUserWorks() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let alice = try h.logIn("alice")
        #expect(h.send(alice, .block(user: "bob"))?.ok == true)
        let bob = try h.logIn("bob")
        #expect(h.send(bob, .message(to: "alice", text: "hi"))?.code == .blockedByRecipient)
    }

    @Test func presenceIsHiddenFromUsersTheSubjectBlocked() throws {
        let h = CoreHarness(accounts: ["alice", "bob", "carol"], blocks: [(blocker: "alice", blocked: "bob")])
        let users = try h.logInQuietly("bob", "carol")
        let alice = try h.logIn("alice")
        #expect(h.events(users[0]).isEmpty)
        #expect(h.events(users[1]) == [.presence(user: "alice", online: true)])
        h.send(alice, .logout)
        #expect(h.events(users[0]).isEmpty)
        #expect(
            h.events(users[1]) == [.presence(user: "alice", online: true), .presence(user: "alice", online: false)])
    }

    @Test func theBlockedUserStillSeesNothingButTheBlockerSeesThem() throws {
        let h = CoreHarness(accounts: ["alice", "bob"], blocks: [(blocker: "alice", blocked: "bob")])
        let alice = try h.logIn("alice")
        h.clearOutput()
        // bob's own presence still reaches alice: the block hides alice from bob, not bob from alice.
        let bob = try h.logIn("bob")
        #expect(h.events(alice) == [.presence(user: "bob", online: true)])
        #expect(h.send(bob, .whoelse)?.users == [])
        #expect(h.send(alice, .whoelse)?.users == ["bob"])
    }

    @Test func blockingEndsAnActivePrivateSessionForBoth() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let users = try h.logInQuietly("alice", "bob")
        h.send(users[0], .startPrivate(user: "bob", port: 5555))
        h.send(users[1], .answerPrivate(user: "alice", accept: true))
        h.clearOutput()
        #expect(h.send(users[1], .block(user: "alice"))?.ok == true)
        #expect(h.events(users[0]) == [.privateEnded(user: "bob", reason: .blocked)])
        #expect(h.events(users[1]) == [.privateEnded(user: "alice", reason: .blocked)])
        #expect(h.send(users[0], .stopPrivate(user: "bob"))?.code == .privateNotEnabled)
        #expect(h.send(users[0], .startPrivate(user: "bob", port: 5555))?.code == .blockedByUser)
    }

    @Test func theTargetBlockingDropsAWaitingPrivateRequestAndTellsTheRequester() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let users = try h.logInQuietly("alice", "bob")
        h.send(users[0], .startPrivate(user: "bob", port: 5555))
        h.clearOutput()
        h.send(users[1], .block(user: "alice"))
        #expect(h.events(users[1]) == [.privateRequestClosed(from: "alice", reason: .blocked)])
        // The request's timer is gone, so the requester must hear now or would wait for ever.
        #expect(h.events(users[0]) == [.privateEnded(user: "bob", reason: .blocked)])
        #expect(h.timers[.privateRequest(from: "alice", to: "bob")] == nil)
        #expect(h.send(users[1], .answerPrivate(user: "alice", accept: true))?.code == .noPrivateRequest)
    }

    @Test func theRequesterBlockingDropsTheirWaitingPrivateRequest() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let users = try h.logInQuietly("alice", "bob")
        h.send(users[0], .startPrivate(user: "bob", port: 5555))
        h.clearOutput()
        h.send(users[0], .block(user: "bob"))
        #expect(h.events(users[1]) == [.privateRequestClosed(from: "alice", reason: .blocked)])
        #expect(h.events(users[0]) == [.privateEnded(user: "bob", reason: .blocked)])
        #expect(h.timers[.privateRequest(from: "alice", to: "bob")] == nil)
    }

    @Test func blockedListsTheUsersYouHaveBlocked() throws {
        let h = CoreHarness(accounts: ["alice", "bob", "carol", "dave"], blocks: [(blocker: "dave", blocked: "alice")])
        let alice = try h.logIn("alice")
        let none = h.send(alice, .blocked)
        #expect(none?.ok == true)
        #expect(none?.users == [])
        h.send(alice, .block(user: "carol"))
        h.send(alice, .block(user: "bob"))
        #expect(h.send(alice, .blocked)?.users == ["bob", "carol"])
        h.send(alice, .unblock(user: "carol"))
        #expect(h.send(alice, .blocked)?.users == ["bob"])
        // Who has blocked you is not yours to list.
        #expect(h.send(try h.logIn("dave"), .blocked)?.users == ["alice"])
    }
}
