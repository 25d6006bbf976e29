import Testing

@testable import ParleyServer

/// `#expect` cannot call mutating methods, so each step's answer is taken first.
@Suite struct DeferredBatchTests {
    @Test func onlyTheFirstItemAsksForARun() {
        var batch = DeferredBatch<Int>()
        let first = batch.add(1)
        let second = batch.add(2)
        let claimedWhilePending = batch.claimRun()
        #expect(first && !second && !claimedWhilePending)
        let taken = Array(batch.take())
        #expect(taken == [1, 2])
        #expect(batch.isEmpty)
        let claimedWhenEmpty = batch.claimRun()
        #expect(!claimedWhenEmpty, "nothing left to run for")
        let third = batch.add(3)
        #expect(third, "the run took its items, so a new item needs a new run")
    }

    @Test func aRunThatTakesPartLeavesTheRestForAnotherRun() {
        var batch = DeferredBatch<Int>()
        for item in 1...5 { _ = batch.add(item) }
        let firstRun = Array(batch.take(upTo: 2))
        #expect(firstRun == [1, 2])
        let sixth = batch.add(6)
        #expect(sixth, "the schedule was cleared as the run took its items")
        let secondRun = Array(batch.take(upTo: 10))
        #expect(secondRun == [3, 4, 5, 6])
        let claimed = batch.claimRun()
        #expect(!claimed)
    }

    @Test func theRestIsClaimedOnceWhenNothingNewArrives() {
        var batch = DeferredBatch<Int>()
        for item in 1...3 { _ = batch.add(item) }
        _ = batch.take(upTo: 1)
        let claimed = batch.claimRun()
        let claimedAgain = batch.claimRun()
        let added = batch.add(4)
        #expect(claimed && !claimedAgain && !added)
    }
}
