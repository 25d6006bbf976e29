import NIOCore

/// `fanout`: every client is online (on IRC, in one channel) and a few senders broadcast at a fixed total
/// rate; each broadcast is delivered to every other client, in this process or another.
final class FanoutWorker: SwarmWorker, @unchecked Sendable {
    let settings: BenchSettings
    let swarm: Swarm

    init(_ settings: BenchSettings, loop: any EventLoop) throws {
        self.settings = settings
        self.swarm = try Swarm(settings, loop: loop)
    }

    /// Senders are spread evenly over all clients, so every process has its share.
    var localSenders: [BenchClient] {
        let spacing = max(1, settings.clients / max(1, settings.senders))
        return swarm.clients.filter { $0.index % spacing == 0 && $0.index / spacing < settings.senders }
    }

    func prepare() async throws {
        try await swarm.loginAll(concurrency: settings.connectConcurrency)
        try await swarm.joinAll(concurrency: settings.connectConcurrency)
    }

    func run() async throws -> WorkerResult {
        let settings = self.settings
        let senders = localSenders
        let rate = settings.rate * Double(senders.count) / Double(max(1, settings.senders))
        try await swarm.loop.flatSubmit { [swarm] in
            let load = MessageLoad(swarm: swarm, senders: senders) { sender in swarm.sendBroadcast(from: sender) }
            load.start(rate: rate, window: settings.window)
            return load.runWindow(warmup: settings.warmupSeconds, duration: settings.durationSeconds)
        }.get()
        let others = settings.clients - 1
        try await swarm.drain { _ in Int.max }  // deliveries come from other processes too: wait for quiet
        return try await swarm.onLoop { $0.result(expected: $0.sent * others) }
    }
}
