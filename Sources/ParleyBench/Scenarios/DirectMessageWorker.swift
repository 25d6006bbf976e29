import NIOCore

/// `dm`: every client sends direct messages to random other clients of the same process (so one process
/// both stamps and reads each message), at a fixed offered rate or as fast as a per-client window allows.
final class DirectMessageWorker: SwarmWorker, @unchecked Sendable {
    let settings: BenchSettings
    let swarm: Swarm

    init(_ settings: BenchSettings, loop: any EventLoop) throws {
        self.settings = settings
        self.swarm = try Swarm(settings, loop: loop)
    }

    func prepare() async throws {
        guard swarm.clients.count >= 2 else { throw BenchError.unsupported("dm needs at least 2 clients per process") }
        try await swarm.loginAll(concurrency: settings.connectConcurrency)
    }

    func run() async throws -> WorkerResult {
        let settings = self.settings
        try await swarm.loop.flatSubmit { [swarm] in
            var random = FastRandom(seed: UInt64(settings.worker + 1) &* 0x9E37_79B9_7F4A_7C15)
            let clients = swarm.clients
            let load = MessageLoad(swarm: swarm, senders: clients) { sender in
                var recipient = clients[random.next(below: clients.count - 1)]
                if recipient === sender { recipient = clients[clients.count - 1] }
                swarm.sendDirect(from: sender, to: recipient)
            }
            load.start(rate: settings.rate / Double(settings.processes), window: settings.window)
            return load.runWindow(warmup: settings.warmupSeconds, duration: settings.durationSeconds)
        }.get()
        try await swarm.drain { $0.sent }
        return try await swarm.onLoop { $0.result(expected: $0.sent) }
    }
}
