import Foundation

/// The benchmark issue's targets, checked against one run's reports (each figure the median of its rounds, loss
/// the worst round), so that the comparison table says which are met rather than leaving a person to read them
/// off. A target whose scenario or figures are missing from the run (a quick run with fewer scenarios) is left
/// out.
struct TargetVerdicts {
    /// Variant, then server, to the report standing for that variant's rounds.
    let reports: [String: [String: BenchReport]]
    let subject: String

    var lines: [String] {
        let lines = [
            latency("dm-10k"),
            latency("dm-50k"),
            belowBestPeer("dm-50k", "server CPU per delivered message"),
            throughput("dm-max", atLeast: 1.5),
            atMost("fanout", "latency p99", 5, "fanout p99 ≤ 5 ms"),
            belowBestPeer("fanout", "server CPU per delivered message"),
            atMost("idle", "RSS per connected client", 4096, "idle RSS per connected client ≤ 4 kB"),
            offlineDelivery(),
            atLeast("offline", "accepted durably per second", 50_000, "offline: accepted durably ≥ 50,000/s"),
            atMost("login", "online p99 during storm", 5, "login storm: online p99 ≤ 5 ms"),
        ].compactMap { $0 }
        guard !lines.isEmpty else { return [] }
        return ["targets (\(subject), figures as in the table):"] + lines
    }

    private func mine(_ variant: String, _ name: String) -> Figure? {
        reports[variant]?[subject]?.figure(name)
    }

    /// The better of the other servers' figures.
    private func bestPeer(_ variant: String, _ name: String) -> (server: String, figure: Figure)? {
        (reports[variant] ?? [:]).filter { $0.key != subject }
            .compactMap { server, report in report.figure(name).map { (server: server, figure: $0) } }
            .min { $0.figure.isBetter(than: $1.figure) }
    }

    private func latency(_ variant: String) -> String? {
        guard let p99 = mine(variant, "latency p99"), let p999 = mine(variant, "latency p99.9"),
            let lost = mine(variant, "lost")
        else { return nil }
        let met = p99.value <= 2 && p999.value <= 5 && lost.value == 0
        return verdict(
            "\(variant) p99 ≤ 2 ms, p99.9 ≤ 5 ms, nothing lost",
            "\(format(p99)) / \(format(p999)) ms, \(format(lost)) lost", met)
    }

    private func offlineDelivery() -> String? {
        guard let seconds = mine("offline", "time to deliver all on login"),
            let queued = mine("offline", "messages queued"), let delivered = mine("offline", "delivered on login")
        else { return nil }
        return verdict(
            "offline: every waiting message delivered on login in < 2 s",
            "\(format(delivered)) of \(format(queued)) in \(format(seconds)) s",
            delivered.value == queued.value && seconds.value < 2)
    }

    private func belowBestPeer(_ variant: String, _ name: String) -> String? {
        guard let value = mine(variant, name), let best = bestPeer(variant, name) else { return nil }
        return verdict(
            "\(variant) \(name) below the better peer's",
            "\(format(value)) vs \(format(best.figure)) \(value.unit) (\(best.server))",
            value.isBetter(than: best.figure)
        )
    }

    private func throughput(_ variant: String, atLeast factor: Double) -> String? {
        let name = "delivered per second"
        guard let value = mine(variant, name), let best = bestPeer(variant, name), best.figure.value > 0 else {
            return nil
        }
        let ratio = value.value / best.figure.value
        return verdict(
            "\(variant) \(name) ≥ \(format(factor))× the better peer's",
            "\(format(value)) vs \(format(best.figure)) \(value.unit) (\(best.server)), \(String(format: "%.2f", ratio))×",
            ratio >= factor)
    }

    private func atMost(_ variant: String, _ name: String, _ limit: Double, _ target: String) -> String? {
        guard let value = mine(variant, name) else { return nil }
        return verdict(target, "\(format(value)) \(value.unit)", value.value <= limit)
    }

    private func atLeast(_ variant: String, _ name: String, _ limit: Double, _ target: String) -> String? {
        guard let value = mine(variant, name) else { return nil }
        return verdict(target, "\(format(value)) \(value.unit)", value.value >= limit)
    }

    private func verdict(_ target: String, _ measured: String, _ met: Bool) -> String {
        "  \(target): \(measured): \(met ? "met" : "NOT MET")"
    }

    private func format(_ figure: Figure) -> String { BenchReport.format(figure.value) }
    private func format(_ value: Double) -> String { BenchReport.format(value) }
}
