import Testing

@testable import ParleyServer

@Suite struct BurstWatchTests {
    private func writes(_ count: Int, _ watch: inout BurstWatch) {
        for _ in 0..<count { watch.wrote() }
    }

    @Test func tidiesOnceWhenABurstGoesQuiet() {
        var watch = BurstWatch(burst: 100, quiet: 10)
        writes(60, &watch)
        var tidy = watch.secondPassed()
        #expect(!tidy, "still busy, and not yet a burst")
        writes(60, &watch)
        tidy = watch.secondPassed()
        #expect(!tidy, "a burst, but still busy")
        writes(3, &watch)
        tidy = watch.secondPassed()
        #expect(tidy, "a burst that went quiet")
        tidy = watch.secondPassed()
        #expect(!tidy, "once per burst")
    }

    @Test func aSteadyTrickleNeverCounts() {
        var watch = BurstWatch(burst: 100, quiet: 10)
        for _ in 0..<9 {
            writes(9, &watch)
            let tidy = watch.secondPassed()
            #expect(!tidy)
        }
    }
}
