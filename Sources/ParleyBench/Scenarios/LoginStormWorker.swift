import NIOCore

/// `login` (Parley): users already online exchange direct messages at a steady rate; then many registered
/// users log in at once, with the server's real password hashing. Measures logins per second and the
/// latency of the online users' messages before and during the storm. With `--resume` the storm is of
/// clients coming back after their connections dropped (a network failure, a restart of the server's host),
/// each resuming its session with its token instead of the password.
final class LoginStormWorker: ScenarioWorker, @unchecked Sendable {
    let settings: BenchSettings
    let online: Swarm
    let storm: Swarm

    init(_ settings: BenchSettings, loop: any EventLoop) throws {
        self.settings = settings
        online = try Swarm(
            settings, loop: loop, prefix: settings.namePrefix + "o", clients: 0..<max(2, settings.onlineUsers))
        storm = try Swarm(settings, loop: loop, prefix: settings.namePrefix + "s", clients: 0..<settings.stormLogins)
        storm.resumable = settings.resume
    }

    func prepare() async throws {
        try await online.loginAll(concurrency: settings.connectConcurrency)
        try await storm.loginAll(concurrency: settings.connectConcurrency)  // registers them
        if settings.resume {
            try await storm.dropAll()
        } else {
            try await storm.logoutAll(concurrency: settings.connectConcurrency)
        }
    }

    func run() async throws -> WorkerResult {
        let settings = self.settings
        let rate = settings.rate > 0 ? settings.rate : 2000
        let load = try await online.onLoop { swarm in
            var random = FastRandom(seed: 42)
            let clients = swarm.clients
            let load = MessageLoad(swarm: swarm, senders: clients) { sender in
                var recipient = clients[random.next(below: clients.count - 1)]
                if recipient === sender { recipient = clients[clients.count - 1] }
                swarm.sendDirect(from: sender, to: recipient)
            }
            load.start(rate: rate, window: 0)
            return load
        }
        try await Task.sleep(nanoseconds: UInt64(settings.warmupSeconds * 1e9))
        try await online.onLoop { $0.setRecording(true) }
        try await Task.sleep(nanoseconds: UInt64(settings.durationSeconds * 1e9))
        let calm = try await online.onLoop { swarm in
            let histogram = swarm.histogram
            swarm.histogram = LatencyHistogram()
            return histogram
        }

        let start = MonotonicClock.now()
        try await storm.loginAll(concurrency: settings.stormLogins)
        let stormSeconds = MonotonicClock.seconds(from: start, to: MonotonicClock.now())
        let during = try await online.onLoop { swarm in
            swarm.setRecording(false)
            load.stop()
            return swarm.histogram
        }
        try await online.drain { $0.sent }

        var result = try await online.onLoop { $0.result(expected: $0.sent) }
        let resumed = try await storm.onLoop { $0.resumesSent }
        result.histogram = during
        result.figures = [
            settings.resume
                ? Figure("resumes", Double(resumed), "logins", lowerIsBetter: false)
                : Figure("logins", Double(settings.stormLogins), "logins", lowerIsBetter: false),
            Figure(
                settings.resume ? "resumes per second" : "logins per second",
                Double(settings.stormLogins) / stormSeconds,
                "logins/s", lowerIsBetter: false),
            Figure("online p99 before storm", calm.milliseconds(atPercentile: 99), "ms", lowerIsBetter: true),
            Figure("online p50 during storm", during.milliseconds(atPercentile: 50), "ms", lowerIsBetter: true),
            Figure(
                "online p99 during storm", during.milliseconds(atPercentile: 99), "ms", lowerIsBetter: true,
                headline: true),
            Figure("online p99.9 during storm", during.milliseconds(atPercentile: 99.9), "ms", lowerIsBetter: true),
            Figure("online max during storm", during.maxMilliseconds, "ms", lowerIsBetter: true),
            Figure("online messages during storm", Double(during.count), "msgs", lowerIsBetter: false),
        ]
        return result
    }

    func finish() async {
        await online.closeAll()
        await storm.closeAll()
    }
}
