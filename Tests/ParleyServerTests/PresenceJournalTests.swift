import NIOCore
import NIOEmbedded
import ParleyCore
import Testing

@testable import ParleyServer

/// `#expect` cannot call mutating methods, so each step's answer is taken first.
@Suite struct PresenceJournalTests {
    private let allocator = ByteBufferAllocator()

    private func slot(_ raw: UInt64) -> ConnectionSlot {
        ConnectionSlot(id: ConnectionID(raw), channel: EmbeddedChannel(), socket: nil)
    }

    private func event(_ text: String) -> ByteBuffer { allocator.buffer(string: text) }

    private func unseen(_ journal: PresenceJournal, _ slot: ConnectionSlot) -> String? {
        journal.takeUnseen(by: slot).map { String(buffer: $0) }
    }

    @Test func aMemberGetsWhatCameAfterItJoinedOnceAndInOrder() {
        var journal = PresenceJournal(allocator: allocator)
        let alice = slot(1)
        let bob = slot(2)
        journal.join(alice)
        let first = journal.append(event("bob+\n"))
        journal.join(bob)
        let second = journal.append(event("carol+\n"))
        #expect(first && !second, "one flush per period")
        #expect(unseen(journal, alice) == "bob+\ncarol+\n")
        #expect(unseen(journal, bob) == "carol+\n", "bob hears nothing of himself or of before he came")
        #expect(unseen(journal, alice) == nil)
        _ = journal.append(event("dave+\n"))
        #expect(unseen(journal, alice) == "dave+\n")
        #expect(unseen(journal, bob) == "dave+\n")
    }

    @Test func markingSeenSkipsAnEventForOneMember() {
        var journal = PresenceJournal(allocator: allocator)
        let alice = slot(1)
        let bob = slot(2)
        journal.join(alice)
        journal.join(bob)
        _ = journal.append(event("carol+\n"))
        // Dave blocked bob: bob is given what came before, then dave's event is counted as given.
        #expect(unseen(journal, bob) == "carol+\n")
        _ = journal.append(event("dave+\n"))
        journal.markSeen(bob)
        _ = journal.append(event("erin+\n"))
        #expect(unseen(journal, bob) == "erin+\n")
        #expect(unseen(journal, alice) == "carol+\ndave+\nerin+\n")
    }

    @Test func aNewPeriodStartsEveryoneAfresh() {
        var journal = PresenceJournal(allocator: allocator)
        let alice = slot(1)
        journal.join(alice)
        _ = journal.append(event("bob+\n"))
        let written = journal.takeUnseen(by: alice)
        journal.startOver()
        #expect(unseen(journal, alice) == nil)
        let needsFlush = journal.append(event("bob-\n"))
        #expect(needsFlush, "the new period needs a flush of its own")
        #expect(unseen(journal, alice) == "bob-\n")
        #expect(written.map { String(buffer: $0) } == "bob+\n", "a slice being written keeps its bytes")
    }

    @Test func aMemberThatLeftGetsNothingMore() {
        var journal = PresenceJournal(allocator: allocator)
        let alice = slot(1)
        journal.join(alice)
        let left = journal.leave(alice.id)
        let again = journal.leave(alice.id)
        #expect(left === alice && again == nil)
        _ = journal.append(event("bob+\n"))
        #expect(unseen(journal, alice) == nil)
        #expect(journal.audience.isEmpty)
    }

    @Test func theWaitGrowsWithTheAudienceWithinBounds() {
        var journal = PresenceJournal(allocator: allocator)
        #expect(journal.delay == .milliseconds(100))
        for raw in 1...4_000 {
            journal.join(slot(UInt64(raw)))
        }
        #expect(journal.delay == .milliseconds(200))
    }
}
