import Histogram

/// Delivery latencies in microseconds, kept by hdrhistogram-swift with three significant digits.
/// Histograms from several bench processes merge exactly, which is why they travel in results.
public struct LatencyHistogram: Codable, Sendable {
    private var histogram = Histogram<UInt64>(
        lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: .three)

    public init() {}

    public var count: UInt64 { histogram.totalCount }

    public mutating func record(nanoseconds: UInt64) {
        let micros = max(1, min(nanoseconds / 1000, 120_000_000))
        _ = histogram.record(micros)
    }

    public mutating func add(_ other: LatencyHistogram) {
        histogram.add(other.histogram)
    }

    /// The latency at `percentile` (0–100), in milliseconds; 0 when nothing was recorded.
    public func milliseconds(atPercentile percentile: Double) -> Double {
        guard count > 0 else { return 0 }
        return Double(histogram.valueAtPercentile(percentile)) / 1000
    }

    /// How many recorded values are above `milliseconds` (to the histogram's precision).
    public func count(overMilliseconds milliseconds: Double) -> UInt64 {
        let above = histogram.nextNonEquivalentForValue(UInt64(milliseconds * 1000))
        guard count > 0, above <= histogram.max else { return 0 }
        return histogram.count(within: above...histogram.max)
    }

    public var maxMilliseconds: Double { count > 0 ? Double(histogram.max) / 1000 : 0 }
}
