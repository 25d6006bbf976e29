import Foundation

/// The side-by-side table `bench/compare.sh` prints: one row per scenario variant and figure, a column per
/// server, and the ratio of Parley to each peer; then which of the benchmark issue's targets the run met
/// (`TargetVerdicts`). Its last line gives the ratios of the headline figures.
///
/// A server may have several reports of one variant (rounds of the same run): each figure is then their
/// median, so one disturbed round on a shared machine does not decide a ratio, except for the figures that
/// count failures (`worstOfRounds`), where any round's loss is the one to see.
public struct ComparisonTable {
    public var reports: [BenchReport]
    /// The server the others are compared with.
    public var subject = "parley"
    /// Figures shown as the worst round rather than the median.
    public static let worstOfRounds: Set<String> = ["lost", "server error replies"]
    /// From this share of a core per bench process (median of the rounds), a headline says the bench was
    /// saturated against that server: its figure is then the load generator's limit as much as the server's.
    public static let saturatedBench = 95.0

    public init(reports: [BenchReport]) {
        self.reports = reports
    }

    public var text: String {
        let peers = orderedUnique(reports.map(\.server)).filter { $0 != subject }
        let servers = [subject] + peers
        var header = ["scenario", "figure", "unit"] + servers
        header += peers.map { "\(subject)/\($0)" } + ["\(subject)/best peer"]
        var rows: [[String]] = []
        var headlines: [String] = []
        var rounds: Set<Int> = []
        var combinedByVariant: [String: [String: BenchReport]] = [:]
        for variant in orderedUnique(reports.map(\.variant)) {
            let ofVariant = Dictionary(grouping: reports.filter { $0.variant == variant }, by: \.server)
            rounds.formUnion(ofVariant.values.map(\.count))
            let byServer = ofVariant.mapValues(combined)
            combinedByVariant[variant] = byServer
            let names = orderedUnique(servers.flatMap { byServer[$0]?.figures.map(\.name) ?? [] })
            for name in names {
                let figures = servers.map { byServer[$0]?.figure(name) }
                guard let sample = figures.compactMap({ $0 }).first else { continue }
                var row = [variant, name, sample.unit]
                row += figures.map { $0.map { BenchReport.format($0.value) } ?? "-" }
                let ratios = peers.map { peer in ratio(byServer[subject]?.figure(name), byServer[peer]?.figure(name)) }
                let best = ratio(
                    byServer[subject]?.figure(name), bestPeer(peers.compactMap { byServer[$0]?.figure(name) }))
                row += ratios + [best]
                rows.append(row)
                if sample.headline, figures[0] != nil {
                    let parts = zip(peers, ratios).map { "\($0)=\($1)" }.joined(separator: " ")
                    let spread = roundSpread(of: name, in: ofVariant, peers: peers).map { " (rounds \($0))" } ?? ""
                    let saturated = servers.filter { byServer[$0].map(benchSaturated) ?? false }
                    let note =
                        saturated.isEmpty ? "" : " [bench saturated: \(saturated.joined(separator: ", "))]"
                    headlines.append("\(variant) \(name): \(parts) best=\(best)\(spread)\(note)")
                }
            }
        }
        var lines = [format(header, rows: rows)]
        if let most = rounds.max(), most > 1 {
            let counts = rounds.sorted().map(String.init).joined(separator: " or ")
            lines.insert(
                "each figure: the median of \(counts) rounds per server (lost and errors: the worst round)", at: 0)
        }
        lines += TargetVerdicts(reports: combinedByVariant, subject: subject).lines
        lines.append("headline ratios (\(subject)/peer): " + headlines.joined(separator: "; "))
        return lines.joined(separator: "\n")
    }

    /// One report standing for the rounds of one variant on one server: each figure the median of the
    /// rounds' values (the worst for `worstOfRounds`).
    private func combined(_ rounds: [BenchReport]) -> BenchReport {
        var report = rounds[0]
        report.figures = report.figures.map { first in
            var figure = first
            let values = rounds.compactMap { $0.figure(first.name)?.value }.sorted()
            if Self.worstOfRounds.contains(first.name) {
                figure.value = (first.lowerIsBetter ? values.last : values.first) ?? first.value
            } else {
                let middle = values.count / 2
                figure.value = values.count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2
            }
            return figure
        }
        return report
    }

    /// The lowest and highest of the per-round ratios to the best peer ("2.76–3.15"), round N of the subject
    /// against round N of each peer: how far the ratio moved within the run. nil for a single round.
    private func roundSpread(of name: String, in rounds: [String: [BenchReport]], peers: [String]) -> String? {
        let count = ([subject] + peers).map { rounds[$0]?.count ?? 0 }.min() ?? 0
        guard count > 1 else { return nil }
        let values = (0..<count).compactMap { round -> Double? in
            guard let mine = rounds[subject]?[round].figure(name),
                let theirs = bestPeer(peers.compactMap { rounds[$0]?[round].figure(name) }), theirs.value != 0
            else { return nil }
            return mine.value / theirs.value
        }
        guard let low = values.min(), let high = values.max() else { return nil }
        return String(format: "%.2f–%.2f", low, high)
    }

    private func benchSaturated(_ report: BenchReport) -> Bool {
        guard let busy = report.figure("bench CPU busy")?.value else { return false }
        return busy / Double(max(1, report.processes)) >= Self.saturatedBench
    }

    /// The better of the peers' figures: the lowest where lower is better, else the highest.
    private func bestPeer(_ figures: [Figure]) -> Figure? {
        figures.min { $0.isBetter(than: $1) }
    }

    private func ratio(_ mine: Figure?, _ theirs: Figure?) -> String {
        guard let mine, let theirs, theirs.value != 0 else { return "-" }
        return String(format: "%.2f", mine.value / theirs.value)
    }

    private func format(_ header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { column, cell in
                column < 3
                    ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    private func orderedUnique(_ values: [String]) -> [String] {
        var seen: Set<String> = []
        return values.filter { seen.insert($0).inserted }
    }
}
