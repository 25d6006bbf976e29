import ParleyCore
import Prometheus
import Synchronization

/// What the server has done and holds, in Prometheus's text format (swift-prometheus), for
/// `parleyd --metrics-port`. The core counts as it decides (`CoreStatistics`) and the hub reads those counts
/// only when metrics are scraped, so the hot path pays for nothing here; store commits are timed as they finish.
final class ServerMetrics: Sendable {
    /// What the hub reports at a scrape, read on its event loop.
    struct Snapshot: Sendable {
        var statistics: CoreStatistics
        var connections: Int
        var usersOnline: Int
        var waitingMessages: Int
    }

    private let registry = PrometheusCollectorRegistry()
    private let exported = Mutex(CoreStatistics())
    private let counters: [(WritableKeyPath<CoreStatistics, Int> & Sendable, Counter)]
    private let connections: Gauge
    private let usersOnline: Gauge
    private let waitingMessages: Gauge
    private let commits: DurationHistogram
    private let failedCommits: Counter
    private let committedWrites: Counter

    init() {
        let registry = self.registry
        func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "parley", metricName: metric, unitName: unit, helpText: help)
        }
        func counter(_ metric: String, _ help: String, _ labels: [(String, String)] = []) -> Counter {
            registry.makeCounter(descriptor: name(metric, "total", help), labels: labels)
        }
        let delivered = "Messages handed to a recipient's connection"
        counters = [
            (\.requests, counter("requests", "Requests from clients")),
            (\.rateLimitedRequests, counter("rate_limited_requests", "Requests refused as too fast")),
            (\.logins, counter("logins", "Successful logins")),
            (\.resumes, counter("resumes", "Sessions resumed with a token after a lost connection")),
            (\.registrations, counter("registrations", "Accounts registered")),
            (\.wrongPasswords, counter("wrong_passwords", "Wrong passwords, at login or changing one")),
            (\.lockouts, counter("lockouts", "Accounts locked after wrong passwords")),
            (\.directMessages, counter("messages_delivered", delivered, [("kind", "direct")])),
            (\.broadcastDeliveries, counter("messages_delivered", delivered, [("kind", "broadcast")])),
            (\.waitingMessagesDelivered, counter("messages_delivered", delivered, [("kind", "offline")])),
            (\.storedMessages, counter("messages_stored", "Messages stored for an offline recipient")),
            (\.broadcasts, counter("broadcasts", "Broadcasts sent")),
            (\.relayedFrames, counter("relayed_frames", "Sealed private-session frames relayed")),
        ]
        connections = registry.makeGauge(descriptor: name("connections", "", "Open client connections"))
        usersOnline = registry.makeGauge(descriptor: name("users_online", "", "Users logged in"))
        waitingMessages = registry.makeGauge(
            descriptor: name("messages_waiting", "", "Messages waiting for offline recipients"))
        commits = registry.makeDurationHistogram(
            descriptor: name("store_commit", "seconds", "Time to commit one batch of store writes, fsync included"),
            buckets: [
                .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
                .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1),
            ])
        failedCommits = counter("store_failed_commits", "Store batches that could not be committed")
        committedWrites = counter("store_writes", "Store writes committed")
    }

    /// A batch of `writes` store writes committed in `duration`, or failed (`nil`).
    func storeBatchFinished(writes: Int, duration: Duration?) {
        if let duration {
            commits.record(duration)
            committedWrites.increment(by: Int64(writes))
        } else {
            failedCommits.increment()
        }
    }

    /// The exposition of everything, with the hub's numbers as of `snapshot`.
    func render(_ snapshot: Snapshot) -> [UInt8] {
        exported.withLock { last in
            // A counter only grows: a total the core took back (a stored message whose batch failed) is exported
            // again only once the total passes what was exported before.
            for (field, counter) in counters where snapshot.statistics[keyPath: field] > last[keyPath: field] {
                counter.increment(by: Int64(snapshot.statistics[keyPath: field] - last[keyPath: field]))
                last[keyPath: field] = snapshot.statistics[keyPath: field]
            }
            connections.set(Int64(snapshot.connections))
            usersOnline.set(Int64(snapshot.usersOnline))
            waitingMessages.set(Int64(snapshot.waitingMessages))
            return registry.emitToBuffer()
        }
    }
}
