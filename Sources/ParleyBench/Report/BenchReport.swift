import Foundation

/// One number a run produced, with how to read it.
public struct Figure: Codable, Sendable, Equatable {
    public var name: String
    public var value: Double
    public var unit: String
    /// Whether a smaller value is the better one (latency, CPU, memory); decides how ratios read.
    public var lowerIsBetter: Bool
    /// Headline figures end the comparison table in one line.
    public var headline = false

    public init(_ name: String, _ value: Double, _ unit: String, lowerIsBetter: Bool, headline: Bool = false) {
        self.name = name
        self.value = value
        self.unit = unit
        self.lowerIsBetter = lowerIsBetter
        self.headline = headline
    }
}

extension Figure {
    /// Whether this value beats `other`'s: lower where lower is better, else higher. The one rule for "the
    /// better peer" in the table, its per-round spreads and its target verdicts.
    func isBetter(than other: Figure) -> Bool {
        lowerIsBetter ? value < other.value : value > other.value
    }
}

/// The outcome of one scenario against one server.
public struct BenchReport: Codable, Sendable {
    public var server: String
    public var variant: String
    public var scenario: ScenarioKind
    public var clients: Int
    public var processes: Int
    /// "TLS" when the clients connected over TLS; nil for plain TCP (and in reports from before it was asked).
    public var transport: String?
    public var figures: [Figure]
    /// The last error line a server sent during the run, if any, to say what went wrong.
    public var lastFailure: String?

    public func figure(_ name: String) -> Figure? { figures.first { $0.name == name } }

    /// Lines for a person: the variant, then one figure per line.
    public var text: String {
        let over = transport.map { " over \($0)" } ?? ""
        var lines = ["\(server) \(variant)\(over) (\(clients) clients, \(processes) bench process(es))"]
        for figure in figures {
            lines.append("  \(figure.name): \(Self.format(figure.value)) \(figure.unit)")
        }
        return lines.joined(separator: "\n")
    }

    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e12 { return String(Int(value)) }
        if abs(value) >= 100 { return String(format: "%.1f", value) }
        if abs(value) >= 1 { return String(format: "%.2f", value) }
        return String(format: "%.3f", value)
    }
}

/// What one bench process measured; the runner merges these from all processes into a report.
public struct WorkerResult: Codable, Sendable {
    public var sent = 0
    /// Deliveries that should arrive for what was sent (sent, or sent × other users for a broadcast).
    public var expected = 0
    public var delivered = 0
    /// Sent and delivered within the measured window.
    public var windowSent = 0
    public var windowDelivered = 0
    public var histogram = LatencyHistogram()
    public var failures = 0
    public var lastFailure: String?
    /// Durations of phases (seconds), merged by taking the longest.
    public var phases: [String: Double] = [:]
    /// Figures only a single-process scenario produces, reported as they are.
    public var figures: [Figure] = []

    public init() {}

    mutating func merge(_ other: WorkerResult) {
        sent += other.sent
        expected += other.expected
        delivered += other.delivered
        windowSent += other.windowSent
        windowDelivered += other.windowDelivered
        histogram.add(other.histogram)
        failures += other.failures
        lastFailure = lastFailure ?? other.lastFailure
        phases.merge(other.phases) { max($0, $1) }
        figures += other.figures
    }
}
