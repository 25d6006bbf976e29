import NIOCore

/// `offline` (Parley): a few senders queue M messages for a user who is offline, keeping a window of
/// requests in flight each; every acknowledgement means the message is durably stored (group commit).
/// Then the user logs in and the time until the last waiting message arrives is measured, with the
/// server's CPU time in both phases.
final class OfflineWorker: SwarmWorker, @unchecked Sendable {
    let settings: BenchSettings
    /// Client 0 is the offline recipient, the others send.
    let swarm: Swarm

    init(_ settings: BenchSettings, loop: any EventLoop) throws {
        var settings = settings
        settings.clients = max(2, settings.senders + 1)
        self.settings = settings
        self.swarm = try Swarm(settings, loop: loop, clients: 0..<settings.clients)
    }

    func prepare() async throws {
        try await swarm.loginAll(concurrency: settings.connectConcurrency)
        let recipient = swarm.clients[0]
        try await swarm.loop.flatSubmit { [swarm] in swarm.logout(recipient) }.get()
    }

    func run() async throws -> WorkerResult {
        let probe = settings.serverPID.map(ProcessProbe.init(pid:))
        let total = settings.offlineMessages
        let window = max(1, settings.window)

        // Phase 1: queue `total` messages, each acknowledged only once it is stored.
        let before = try probe?.sample()
        let start = MonotonicClock.now()
        try await swarm.loop.flatSubmit { [swarm] in
            let recipient = swarm.clients[0]
            let done = swarm.loop.makePromise(of: Void.self)
            var issued = 0
            let send = { (sender: BenchClient) in
                guard issued < total else { return }
                issued += 1
                swarm.sendDirect(from: sender, to: recipient)
            }
            swarm.onAcknowledged = { sender, _ in
                if swarm.acknowledged >= total { done.succeed() } else { send(sender) }
            }
            for sender in swarm.clients.dropFirst() {
                for _ in 0..<window { send(sender) }
            }
            return done.futureResult
        }.get()
        let accepted = MonotonicClock.now()
        let afterAccept = try probe?.sample()
        let stored = try await swarm.onLoop { $0.storedAcknowledged }

        // Phase 2: the recipient logs in and receives them all.
        let loginStart = MonotonicClock.now()
        try await swarm.loop.flatSubmit { [swarm] in
            let done = swarm.loop.makePromise(of: Void.self)
            swarm.onDelivery = { _ in if swarm.delivered >= total { done.succeed() } }
            swarm.connectAndLogin(swarm.clients[0]).assumeIsolated().whenFailure { done.fail($0) }
            return done.futureResult
        }.get()
        let delivered = MonotonicClock.now()
        let afterDelivery = try probe?.sample()

        var result = try await swarm.onLoop { $0.result(expected: total) }
        let acceptSeconds = MonotonicClock.seconds(from: start, to: accepted)
        let deliverSeconds = MonotonicClock.seconds(from: loginStart, to: delivered)
        result.figures = [
            Figure("messages queued", Double(total), "msgs", lowerIsBetter: false),
            Figure("stored acknowledgements", Double(stored), "msgs", lowerIsBetter: false),
            Figure("accepted durably per second", Double(total) / acceptSeconds, "msgs/s", lowerIsBetter: false),
            Figure("delivered on login", Double(result.delivered), "msgs", lowerIsBetter: false),
            Figure("time to deliver all on login", deliverSeconds, "s", lowerIsBetter: true, headline: true),
        ]
        if let before, let afterAccept, let afterDelivery {
            result.figures += [
                Figure(
                    "server CPU per accepted message",
                    (afterAccept.cpuSeconds - before.cpuSeconds) / Double(total) * 1e6,
                    "µs", lowerIsBetter: true),
                Figure(
                    "server CPU per delivered message",
                    (afterDelivery.cpuSeconds - afterAccept.cpuSeconds) / Double(total) * 1e6, "µs", lowerIsBetter: true
                ),
                Figure(
                    "server peak RSS", Double(afterDelivery.peakResidentBytes) / 1_048_576, "MiB", lowerIsBetter: true),
            ]
        }
        return result
    }
}
