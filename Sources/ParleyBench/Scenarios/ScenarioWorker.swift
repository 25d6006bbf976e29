import NIOCore

/// The part of a scenario one bench process runs. Every process prepares (connects, logs in), then all
/// start `run` at the same moment, so the runner can measure the server around one common window.
protocol ScenarioWorker: AnyObject, Sendable {
    /// When the runner samples the server's CPU and memory.
    /// Everything before the measurement: connecting and logging in.
    func prepare() async throws
    /// The measured part.
    func run() async throws -> WorkerResult
    /// Closes every connection.
    func finish() async
}

/// A worker whose clients are one swarm; finishing closes them.
protocol SwarmWorker: ScenarioWorker {
    var swarm: Swarm { get }
}

extension SwarmWorker {
    func finish() async {
        await swarm.closeAll()
    }
}

/// Where the measured window lies, as the runner (which may be another process) sees it.
enum MeasurementPlan {
    /// From `warmup` seconds after the start of `run` for `duration` seconds.
    case window(warmup: Double, duration: Double)
    /// Just before `run` and just after it returns (memory of what `run` built).
    case aroundRun
    /// The worker measures the server itself (single-process scenarios).
    case byWorker
}

extension MeasurementPlan {
    /// When the runner samples the server's CPU and memory for `settings`.
    init(_ settings: BenchSettings) {
        switch settings.scenario {
        case .dm, .fanout: self = .window(warmup: settings.warmupSeconds, duration: settings.durationSeconds)
        case .idle: self = .aroundRun
        case .offline, .login: self = .byWorker
        }
    }
}

/// Builds the worker for `settings` on `loop`.
func makeWorker(_ settings: BenchSettings, loop: any EventLoop) throws -> any ScenarioWorker {
    switch settings.scenario {
    case .dm: return try DirectMessageWorker(settings, loop: loop)
    case .fanout: return try FanoutWorker(settings, loop: loop)
    case .idle: return try IdleWorker(settings, loop: loop)
    case .offline, .login:
        guard settings.wire == .parley else {
            throw BenchError.unsupported(
                "\(settings.scenario) is a Parley scenario: IRC has no offline messages or passwords")
        }
        guard settings.processes == 1 else {
            throw BenchError.unsupported("\(settings.scenario) runs in one bench process")
        }
        return settings.scenario == .offline
            ? try OfflineWorker(settings, loop: loop) : try LoginStormWorker(settings, loop: loop)
    }
}

extension Swarm {
    convenience init(_ settings: BenchSettings, loop: any EventLoop, prefix: String? = nil, clients: Range<Int>? = nil)
        throws
    {
        let range = clients ?? settings.localClients
        try self.init(
            loop: loop, host: settings.host, port: settings.port, wire: settings.wire,
            namePrefix: prefix ?? settings.namePrefix, firstIndex: range.lowerBound, count: range.count,
            password: settings.password, textLength: settings.textLength, tls: settings.tls)
    }

    /// Waits until every message sent has been delivered, or nothing arrived for `quiet` seconds, or
    /// `limit` seconds passed; whatever is missing then counts as lost.
    func drain(expected: @escaping @Sendable (Swarm) -> Int, quiet: Double = 1, limit: Double = 5) async throws {
        let start = MonotonicClock.now()
        while true {
            let (done, lastDelivery) = try await onLoop { swarm in
                (swarm.delivered >= expected(swarm), swarm.lastDeliveryAt)
            }
            let now = MonotonicClock.now()
            if done || MonotonicClock.seconds(from: start, to: now) > limit { return }
            if lastDelivery > 0, MonotonicClock.seconds(from: max(lastDelivery, start), to: now) > quiet { return }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
    }

    /// The counters of this swarm as a worker result.
    func result(expected: Int) -> WorkerResult {
        var result = WorkerResult()
        result.sent = sent
        result.expected = expected
        result.delivered = delivered
        result.windowSent = windowSent
        result.windowDelivered = windowDelivered
        result.histogram = histogram
        result.failures = failures
        result.lastFailure = lastFailure
        return result
    }

    /// Closes every connection without waiting for goodbyes.
    func closeAll() async {
        _ = try? await onLoop { swarm in  // a loop that is already gone has nothing to close
            for client in swarm.clients { client.channel?.close(promise: nil) }
        }
        for client in clients {
            _ = try? await client.closed?.futureResult.get()  // closed either way
        }
    }
}

/// A small, fast generator for picking recipients (the system generator makes a syscall per number).
struct FastRandom {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed | 1
    }

    mutating func next(below bound: Int) -> Int {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return Int(state % UInt64(bound))
    }
}
