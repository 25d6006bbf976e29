import NIOCore
import Testing

@testable import ParleyBench

/// The paced sender looks at its schedule about every ten messages, never more often than every 200 µs nor
/// less often than every millisecond, and never sends more than 4 ms of it at once.
@Suite struct PacingTests {
    @Test func ticksComeAboutEveryTenMessages() {
        #expect(MessageLoad.Pacing(rate: 20_000, start: 0).period == .microseconds(500))
        #expect(MessageLoad.Pacing(rate: 40_000, start: 0).period == .microseconds(250))
    }

    @Test func ticksStayBetween200MicrosecondsAndAMillisecond() {
        #expect(MessageLoad.Pacing(rate: 50_000, start: 0).period == .microseconds(200))
        #expect(MessageLoad.Pacing(rate: 100_000, start: 0).period == .microseconds(200))
        #expect(MessageLoad.Pacing(rate: 10_000, start: 0).period == .milliseconds(1))
        #expect(MessageLoad.Pacing(rate: 100, start: 0).period == .milliseconds(1))
    }

    @Test func aTickSendsAtMostFourMillisecondsOfTheSchedule() {
        #expect(MessageLoad.Pacing(rate: 50_000, start: 0).burst == 200)
        #expect(MessageLoad.Pacing(rate: 100, start: 0).burst == 1)
    }
}
