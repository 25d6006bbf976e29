import Foundation
import Testing

@testable import ParleyServer

@Suite struct StoreFailureLogTests {
    let start = Date(timeIntervalSince1970: 1_000_000)

    @Test func theFirstFailureIsToldThenAtMostALineAnIntervalThenTheRecovery() {
        var log = StoreFailureLog(interval: 10)
        #expect(log.batchStored() == nil)
        #expect(log.batchFailed(at: start) == .firstFailure)
        for second in 1...9 { #expect(log.batchFailed(at: start + Double(second)) == nil) }
        #expect(log.batchFailed(at: start + 10) == .stillFailing(batches: 10))
        #expect(log.batchFailed(at: start + 11) == nil)
        #expect(log.batchStored() == .recovered(batches: 12))
        #expect(log.batchStored() == nil)
    }

    @Test func aNewRunOfFailuresIsToldInFullAgain() {
        var log = StoreFailureLog(interval: 10)
        #expect(log.batchFailed(at: start) == .firstFailure)
        #expect(log.batchStored() == .recovered(batches: 1))
        #expect(log.batchFailed(at: start + 1) == .firstFailure)
        #expect(log.batchFailed(at: start + 2) == nil)
    }
}
