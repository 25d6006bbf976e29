import Foundation
import ParleyCore
import ParleyProtocol
import Testing

/// A client that says `receipts` in `hello` confirms the messages that waited for it (`received`); until it
/// does they stay in the store, and a session that ends first gives them back to the mailbox, so a connection
/// lost while they were on their way loses none of them.
@Suite struct ReceiptsTests {
    private func texts(_ events: [ServerEvent]) -> [String] {
        events.compactMap { if case .message(let message) = $0 { message.text } else { nil } }
    }

    private var anyDequeue: (StoreWrite) -> Bool { { if case .dequeue = $0 { true } else { false } } }

    /// alice, online, has left bob (offline) `texts`.
    private func bobHasWaiting(_ texts: String...) throws -> (CoreHarness, alice: ConnectionID) {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let alice = try h.logIn("alice")
        for text in texts { h.send(alice, .message(to: "bob", text: text)) }
        h.clearOutput()
        return (h, alice)
    }

    @Test func waitingMessagesLeaveTheStoreWhenTheClientConfirmsThem() throws {
        let (h, _) = try bobHasWaiting("first", "second")
        let bob = try h.logIn("bob", receipts: true)
        #expect(texts(h.events(bob)) == ["first", "second"])
        #expect(!h.persisted.contains(where: anyDequeue))
        #expect(h.send(bob, .received(count: 2))?.ok == true)
        #expect(h.persisted.filter(anyDequeue) == [.dequeue(ids: [1, 2])])
        h.disconnect(bob)
        #expect(h.core.waitingMessageCount == 0)
        let again = try h.logIn("bob", receipts: true)
        #expect(texts(h.events(again)).isEmpty)
        #expect(h.replies(again).last?.waiting == 0)
    }

    @Test func aConnectionLostBeforeTheReceiptGetsThemAllAgainBeforeNewerOnes() throws {
        let (h, alice) = try bobHasWaiting("first", "second")
        let lost = try h.logIn("bob", receipts: true)
        #expect(texts(h.events(lost)) == ["first", "second"])
        h.disconnect(lost)
        #expect(h.core.waitingMessageCount == 2)
        #expect(h.send(alice, .message(to: "bob", text: "third"))?.stored == true)
        h.clearOutput()
        let bob = try h.logIn("bob", receipts: true)
        #expect(h.replies(bob).last?.waiting == 3)
        #expect(texts(h.events(bob)) == ["first", "second", "third"])
        #expect(!h.persisted.contains(where: anyDequeue))
    }

    @Test func whatWasConfirmedIsGoneAndTheRestComesAgain() throws {
        let (h, _) = try bobHasWaiting("first", "second", "third")
        let lost = try h.logIn("bob", receipts: true)
        #expect(h.send(lost, .received(count: 1))?.ok == true)
        #expect(h.send(lost, .received(count: 1))?.ok == true)  // said twice: nothing more
        #expect(h.persisted.filter(anyDequeue) == [.dequeue(ids: [1])])
        h.send(lost, .logout)
        h.clearOutput()
        let bob = try h.logIn("bob", receipts: true)
        #expect(texts(h.events(bob)) == ["second", "third"])
        #expect(h.send(bob, .received(count: 2))?.ok == true)
        #expect(h.persisted.filter(anyDequeue) == [.dequeue(ids: [2, 3])])
    }

    @Test func aCountBeyondWhatWasDeliveredIsRefused() throws {
        let (h, _) = try bobHasWaiting("only")
        let bob = try h.logIn("bob", receipts: true)
        #expect(h.send(bob, .received(count: 2))?.error?.code == .invalidArguments)
        #expect(h.send(bob, .received(count: -1))?.error?.code == .invalidArguments)
        #expect(h.send(bob, .received(count: 0))?.ok == true)
        #expect(!h.persisted.contains(where: anyDequeue))
    }

    @Test func withoutReceiptsTheyLeaveTheStoreAsTheyAreSentAndReceivedIsRefused() throws {
        let (h, _) = try bobHasWaiting("first")
        let bob = try h.logIn("bob")
        #expect(h.persisted.filter(anyDequeue) == [.dequeue(ids: [1])])
        #expect(h.send(bob, .received(count: 1))?.error?.code == .invalidArguments)
        h.disconnect(bob)
        #expect(h.core.waitingMessageCount == 0)
    }

    @Test func receivedIsNotActivity() {
        #expect(!Command.received(count: 1).countsAsActivity)
    }
}
