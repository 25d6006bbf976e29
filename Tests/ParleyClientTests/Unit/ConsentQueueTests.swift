import Testing

@testable import ParleyClient

@Suite("Waiting consent requests")
struct ConsentQueueTests {
    @Test func oldestIsAnsweredFirst() {
        var queue = ConsentQueue()
        queue.add("alice")
        queue.add("carol")
        queue.add("alice")
        #expect(queue.requesters == ["alice", "carol"])
        #expect(queue.takeOldest() == "alice")
        #expect(queue.takeOldest() == "carol")
        #expect(queue.takeOldest() == nil)
    }

    @Test func namedAnswerRemovesThatRequest() {
        var queue = ConsentQueue()
        queue.add("alice")
        queue.add("carol")
        let first = queue.remove("carol")
        let second = queue.remove("carol")
        #expect(first)
        #expect(!second)
        #expect(queue.requesters == ["alice"])
    }
}
