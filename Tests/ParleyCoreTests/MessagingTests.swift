import Foundation
import ParleyCore
import ParleyProtocol
import Testing

/// SPEC sections 3 and 4: `message`, waiting messages, `broadcast`.
@Suite struct MessagingTests {
    // MARK: message

    @Test func aMessageToAnOnlineUserIsDeliveredNow() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let (alice, bob) = try pair(h)
        let reply = h.send(alice, .message(to: "bob", text: "hi bob"))
        #expect(reply == Reply(id: .number(5), stored: false))
        #expect(h.events(bob) == [.message(DeliveredMessage(from: "alice", text: "hi bob", kind: .direct))])
        #expect(h.events(alice).isEmpty)
        #expect(h.persisted.isEmpty)
        #expect(!h.lastEffects.contains(.holdUntilDurable(alice)))
        // The recipient gets it before the sender hears it went.
        #expect(
            h.lastEffects.first
                == .send(bob, .event(.message(DeliveredMessage(from: "alice", text: "hi bob", kind: .direct)))))
    }

    @Test func aMessageToAnOfflineUserIsStoredDurablyBeforeTheReply() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let alice = try h.logIn("alice")
        h.clearOutput()
        let reply = h.send(alice, .message(to: "bob", text: "see you"))
        #expect(reply?.ok == true)
        #expect(reply?.stored == true)
        let stored = StoredMessage(id: 1, sender: "alice", recipient: "bob", text: "see you", sent: h.now)
        #expect(
            h.lastEffects == [
                .persist(.enqueue(stored)), .holdUntilDurable(alice), .send(alice, .reply(try #require(reply))),
            ])
        #expect(h.core.waitingMessageCount == 1)
        #expect(Texts.storedForLater("bob") == "bob is offline; the message will be delivered when they log in")
    }

    /// A broadcast to many takes the server long to send, so it counts as one more request per 100 recipients.
    @Test func aBroadcastToManyCountsAgainstTheRequestRate() throws {
        func requestsLeft(afterBroadcastingTo others: Int) throws -> Int {
            var configuration = CoreConfiguration()
            configuration.commandRate = RateLimit(burst: 20, perSecond: 0.001)
            let names = ["alice"] + (0..<others).map { "user\($0)" }
            let h = CoreHarness(accounts: names, configuration: configuration)
            let alice = try h.logIn("alice")
            for name in names.dropFirst() { _ = try h.logIn(name) }
            #expect(h.send(alice, .broadcast(text: "hello all"))?.ok == true)
            var left = 0
            while h.send(alice, .whoelse)?.code != .rateLimited { left += 1 }
            return left
        }
        #expect(try requestsLeft(afterBroadcastingTo: 99) - requestsLeft(afterBroadcastingTo: 300) == 3)
    }

    @Test func messagesWaitingForOneUserAreLimited() throws {
        var configuration = CoreConfiguration()
        configuration.maxWaitingMessages = 3
        let h = CoreHarness(accounts: ["alice", "bob", "carol", "dave"], configuration: configuration)
        let alice = try h.logIn("alice")
        let dave = try h.logIn("dave")
        for number in 1...3 {
            #expect(h.send(number == 2 ? dave : alice, .message(to: "bob", text: "m\(number)"))?.stored == true)
        }
        let refused = h.send(alice, .message(to: "bob", text: "m4"))
        #expect(refused?.code == .mailboxFull)
        #expect(
            refused?.error?.message
                == "Error. Too many messages are waiting for bob; try again once they have logged in")
        #expect(h.core.waitingMessageCount == 3)
        // Each user's waiting messages count for that user alone.
        #expect(h.send(alice, .message(to: "carol", text: "c1"))?.stored == true)
        // Once bob has had his, messages may wait for him again.
        let bob = try h.logIn("bob")
        #expect(h.events(bob).count == 3)
        h.send(bob, .logout)
        #expect(h.send(alice, .message(to: "bob", text: "m5"))?.stored == true)
    }

    /// The adapter knows a connection is closing before it hands over its disconnection (in batches): a message
    /// to its user meanwhile waits for them, as for a user offline, instead of being acknowledged as delivered
    /// to a connection that drops it.
    @Test func aMessageToAConnectionThatIsClosingWaitsForTheUser() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let alice = try h.logIn("alice")
        let bob = try h.logIn("bob")
        h.feed(.closing(bob))
        #expect(h.send(alice, .message(to: "bob", text: "are you there?"))?.stored == true)
        #expect(!h.events(bob).contains { if case .message = $0 { true } else { false } })
        h.disconnect(bob)
        let again = try h.logIn("bob")
        #expect(
            h.events(again).contains(
                .message(DeliveredMessage(from: "alice", text: "are you there?", kind: .offline, sent: h.now))))
    }

    /// One sender's waiting messages across all offline users are limited like one user's, and all of them
    /// together by the memory they take: many accounts, or many recipients, cannot fill the server's memory.
    @Test func waitingMessagesAreLimitedPerSenderAndInAll() throws {
        var configuration = CoreConfiguration()
        configuration.maxWaitingMessages = 3
        configuration.maxWaitingBytes = 8 * (CoreConfiguration.waitingMessageOverhead + 10)
        let h = CoreHarness(accounts: ["alice", "bob", "carol", "dave", "erin", "frank"], configuration: configuration)
        let alice = try h.logIn("alice")
        let erin = try h.logIn("erin")
        for recipient in ["bob", "carol", "dave"] {
            #expect(h.send(alice, .message(to: recipient, text: "0123456789"))?.stored == true)
        }
        let refused = h.send(alice, .message(to: "frank", text: "0123456789"))
        #expect(refused?.code == .tooManyWaiting)
        #expect(
            refused?.error?.message
                == "Error. Too many of your messages are waiting for users who are offline; try again once they have logged in"
        )
        // Another sender still may, until all of them together reach the memory limit.
        for recipient in ["bob", "carol", "dave"] {
            #expect(h.send(erin, .message(to: recipient, text: "0123456789"))?.stored == true)
        }
        h.send(alice, .logout)
        let frank = try h.logIn("frank")
        #expect(h.send(frank, .message(to: "alice", text: "0123456789"))?.stored == true)
        let full = h.send(frank, .message(to: "alice", text: "0123456789a"))
        #expect(full?.code == .waitingStorageFull)
        #expect(
            full?.error?.message
                == "Error. The server cannot keep more messages for users who are offline now; please try again later")
        // Delivered messages make room again, for their senders too.
        h.send(try h.logIn("bob"), .logout)
        #expect(h.send(frank, .message(to: "alice", text: "0123456789a"))?.stored == true)
        #expect(h.send(erin, .message(to: "bob", text: "again"))?.stored == true)
    }

    @Test func waitingMessagesComeOnTheNextLoginInOrderWithTheirTimesBeforeAnythingElse() throws {
        let h = CoreHarness(accounts: ["alice", "bob", "carol"])
        let alice = try h.logIn("alice")
        let carol = try h.logIn("carol")
        let t1 = h.now
        h.send(alice, .message(to: "bob", text: "first"))
        h.advance(by: 5)
        let t2 = h.now
        h.send(carol, .message(to: "bob", text: "second"))
        h.advance(by: 5)
        h.send(alice, .message(to: "bob", text: "third"))
        let t3 = h.now
        h.advance(by: 100)
        h.clearOutput()

        let bob = try h.logIn("bob")
        #expect(
            h.frames(bob).dropFirst() == [
                .reply(Reply(id: .number(9), username: "bob", waiting: 3)),
                .event(.message(DeliveredMessage(from: "alice", text: "first", kind: .offline, sent: t1))),
                .event(.message(DeliveredMessage(from: "carol", text: "second", kind: .offline, sent: t2))),
                .event(.message(DeliveredMessage(from: "alice", text: "third", kind: .offline, sent: t3))),
            ])
        #expect(h.persisted.contains(.dequeue(ids: [1, 2, 3])))
        #expect(h.core.waitingMessageCount == 0)
        // Others hear of the login only after bob has his messages.
        let lastToBob = try #require(h.lastEffects.lastIndex { if case .send(bob, _) = $0 { true } else { false } })
        let presence = try #require(
            h.lastEffects.firstIndex {
                if case .presence(user: "bob", online: true, connection: bob, hiddenFrom: []) = $0 {
                    true
                } else {
                    false
                }
            })
        #expect(lastToBob < presence)
    }

    @Test func waitingMessagesAreDeliveredExactlyOnce() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let alice = try h.logIn("alice")
        h.send(alice, .message(to: "bob", text: "once"))
        let bob = try h.logIn("bob")
        #expect(h.events(bob).count == 1)
        h.send(bob, .logout)
        h.clearOutput()
        let again = try h.logIn("bob")
        #expect(h.replies(again).last?.waiting == 0)
        #expect(h.events(again).filter { if case .message = $0 { true } else { false } }.isEmpty)
        #expect(!h.persisted.contains { if case .dequeue = $0 { true } else { false } })
    }

    @Test func waitingMessagesFromTheStoreAreDeliveredInIdOrder() throws {
        let sent = CoreHarness.start - 3600
        let h = CoreHarness(
            snapshot: CoreSnapshot(
                accounts: ["alice", "bob"].map { AccountRecord(name: $0, passwordHash: CoreHarness.hash("pw-\($0)")) },
                waitingMessages: [
                    StoredMessage(id: 7, sender: "alice", recipient: "bob", text: "later", sent: sent + 1),
                    StoredMessage(id: 3, sender: "alice", recipient: "bob", text: "earlier", sent: sent),
                ]))
        #expect(h.core.waitingMessageCount == 2)
        let bob = try h.logIn("bob")
        #expect(
            h.events(bob) == [
                .message(DeliveredMessage(from: "alice", text: "earlier", kind: .offline, sent: sent)),
                .message(DeliveredMessage(from: "alice", text: "later", kind: .offline, sent: sent + 1)),
            ])
        #expect(h.persisted.contains(.dequeue(ids: [3, 7])))
        // New messages get ids after the stored ones, so the order holds across restarts.
        h.send(bob, .message(to: "alice", text: "new"))
        #expect(
            h.persisted.last
                == .enqueue(StoredMessage(id: 8, sender: "bob", recipient: "alice", text: "new", sent: h.now)))
    }

    @Test func aMessageThatCouldNotBeStoredIsNotDelivered() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let alice = try h.logIn("alice")
        h.send(alice, .message(to: "bob", text: "kept"))
        h.send(alice, .message(to: "bob", text: "lost"))
        let lost = try #require(h.persisted.last)
        h.feed(.writesFailed([lost]))
        #expect(h.core.waitingMessageCount == 1)
        let bob = try h.logIn("bob")
        #expect(h.replies(bob).last?.waiting == 1)
        #expect(h.events(bob) == [.message(DeliveredMessage(from: "alice", text: "kept", kind: .offline, sent: h.now))])
    }

    @Test func aMessageToAnUnknownUserIsRefused() throws {
        let h = CoreHarness(accounts: ["alice"])
        let alice = try h.logIn("alice")
        let reply = h.send(alice, .message(to: "nobody", text: "hello?"))
        #expect(reply?.code == .invalidUser)
        #expect(reply?.error?.message == "Error. Invalid user")
        #expect(h.core.waitingMessageCount == 0)
    }

    @Test func aMessageToYourselfIsRefused() throws {
        let h = CoreHarness(accounts: ["alice"])
        let alice = try h.logIn("alice")
        h.clearOutput()
        let reply = h.send(alice, .message(to: "alice", text: "me"))
        #expect(reply?.code == .cannotMessageSelf)
        #expect(reply?.error?.message == "Error. Cannot message yourself")
        #expect(h.events(alice).isEmpty)
    }

    @Test func aMessageToSomeoneWhoBlockedYouIsRefusedOnlineOrOffline() throws {
        let h = CoreHarness(accounts: ["alice", "bob"], blocks: [(blocker: "bob", blocked: "alice")])
        let alice = try h.logIn("alice")
        let offline = h.send(alice, .message(to: "bob", text: "hi"))
        #expect(offline?.code == .blockedByRecipient)
        #expect(offline?.error?.message == "Your message could not be delivered as the recipient has blocked you")
        #expect(h.core.waitingMessageCount == 0)
        let bob = try h.logIn("bob")
        h.clearOutput()
        #expect(h.send(alice, .message(to: "bob", text: "hi"))?.code == .blockedByRecipient)
        #expect(h.events(bob).isEmpty)
        // The block is one way: bob can still message alice.
        #expect(h.send(bob, .message(to: "alice", text: "hi"))?.ok == true)
    }

    @Test func messageTextIsAtMost4096Characters() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let (alice, bob) = try pair(h)
        let tooLong = h.send(alice, .message(to: "bob", text: String(repeating: "x", count: 4097)))
        #expect(tooLong?.code == .messageTooLong)
        #expect(tooLong?.error?.message == "Error. Message too long (max 4096 characters)")
        #expect(h.events(bob).isEmpty)
        #expect(h.send(alice, .message(to: "bob", text: String(repeating: "x", count: 4096)))?.ok == true)
        // Characters, not bytes: 4096 multi-byte characters are fine.
        #expect(h.send(alice, .message(to: "bob", text: String(repeating: "é", count: 4096)))?.ok == true)
    }

    @Test(arguments: ["", "   ", "two\nlines", "carriage\rreturn"])
    func emptyOrMultiLineTextIsAnInvalidCommand(text: String) throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let (alice, bob) = try pair(h)
        let reply = h.send(alice, .message(to: "bob", text: text))
        #expect(reply?.code == .invalidArguments)
        #expect(reply?.error?.message == "Error. Invalid command")
        #expect(h.send(alice, .broadcast(text: text))?.code == .invalidArguments)
        #expect(h.events(bob).isEmpty)
    }

    // MARK: broadcast

    @Test func aBroadcastReachesEveryOtherOnlineUser() throws {
        let h = CoreHarness(accounts: ["alice", "bob", "carol", "dave"])
        let users = try h.logInQuietly("alice", "bob", "carol")
        let reply = h.send(users[0], .broadcast(text: "hello all"))
        #expect(reply == Reply(id: .number(7), partial: false))
        let event = ServerEvent.message(DeliveredMessage(from: "alice", text: "hello all", kind: .broadcast))
        #expect(h.events(users[1]) == [event])
        #expect(h.events(users[2]) == [event])
        #expect(h.events(users[0]).isEmpty)
        // Offline users do not get broadcasts later.
        #expect(h.core.waitingMessageCount == 0)
        #expect(h.persisted.isEmpty)
    }

    @Test func aBroadcastSkipsUsersWhoBlockedTheSenderAndSaysSo() throws {
        let h = CoreHarness(accounts: ["alice", "bob", "carol"], blocks: [(blocker: "carol", blocked: "alice")])
        let users = try h.logInQuietly("alice", "bob", "carol")
        let reply = h.send(users[0], .broadcast(text: "hello all"))
        #expect(reply?.ok == true)
        #expect(reply?.partial == true)
        #expect(Texts.broadcastPartlyBlocked == "Your message could not be delivered to some recipients")
        #expect(h.events(users[1]).count == 1)
        #expect(h.events(users[2]).isEmpty)
    }

    @Test func aBlockOfflineDoesNotMakeABroadcastPartial() throws {
        let h = CoreHarness(accounts: ["alice", "bob", "carol"], blocks: [(blocker: "carol", blocked: "alice")])
        let users = try h.logInQuietly("alice", "bob")
        #expect(h.send(users[0], .broadcast(text: "hi"))?.partial == false)
    }

    @Test func aBroadcastWithNobodyElseOnlineSucceeds() throws {
        let h = CoreHarness(accounts: ["alice"])
        let alice = try h.logIn("alice")
        #expect(h.send(alice, .broadcast(text: "anyone?")) == Reply(id: .number(3), partial: false))
    }

    @Test func aBroadcastTooLongIsRefused() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let (alice, bob) = try pair(h)
        #expect(h.send(alice, .broadcast(text: String(repeating: "y", count: 4097)))?.code == .messageTooLong)
        #expect(h.events(bob).isEmpty)
    }

    /// alice and bob logged in, output so far forgotten.
    private func pair(_ h: CoreHarness) throws -> (ConnectionID, ConnectionID) {
        let users = try h.logInQuietly("alice", "bob")
        return (users[0], users[1])
    }
}
