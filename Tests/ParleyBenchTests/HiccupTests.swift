import Testing

@testable import ParleyBench

/// The machine's stalls: counted per CPU from a thread's oversleeps; the counts come from the histogram.
@Suite struct HiccupTests {
    @Test func countsValuesAboveAThreshold() {
        var histogram = LatencyHistogram()
        for micros: UInt64 in [100, 900, 1_500, 2_500, 7_000] { histogram.record(nanoseconds: micros * 1000) }
        #expect(histogram.count(overMilliseconds: 1) == 3)
        #expect(histogram.count(overMilliseconds: 2) == 2)
        #expect(histogram.count(overMilliseconds: 5) == 1)
        #expect(histogram.count(overMilliseconds: 7) == 0)
        #expect(LatencyHistogram().count(overMilliseconds: 1) == 0)
    }

    @Test func measuresEveryCPU() {
        let report = HiccupMeter.measure(seconds: 0.05, intervalMicroseconds: 500)
        #expect(!report.cpus.isEmpty)
        for cpu in report.cpus { #expect(cpu.oversleeps.count > 0) }
        let lines = report.text.split(separator: "\n")
        #expect(lines.count == report.cpus.count + 1)
        #expect(lines.first?.hasPrefix("machine hiccups over 0.05 s") == true)
    }
}
