import NIOCore

/// `idle`: N clients log in and hold their connections. Measures how long logging them all in takes, and
/// (through the runner) the server's memory per connected client.
///
/// On Parley the accounts must exist first, so the measured logins are real logins (a password check each)
/// and the memory measured is that of sessions, not of new accounts: either imported at the server's start
/// (`accountsExist`, the clean way: no connection precedes the first memory reading) or registered here
/// and their connections closed (memory those connections used is then reused by the measured ones).
final class IdleWorker: SwarmWorker, @unchecked Sendable {
    let settings: BenchSettings
    let swarm: Swarm

    init(_ settings: BenchSettings, loop: any EventLoop) throws {
        self.settings = settings
        self.swarm = try Swarm(settings, loop: loop)
    }

    func prepare() async throws {
        guard settings.wire == .parley, !settings.accountsExist else { return }
        // Few at a time, so the memory of these short sessions, freed and reused later, stays negligible.
        let concurrency = min(settings.connectConcurrency, 16)
        try await swarm.loginAll(concurrency: concurrency)
        try await swarm.logoutAll(concurrency: concurrency)
    }

    func run() async throws -> WorkerResult {
        let start = MonotonicClock.now()
        try await swarm.loginAll(concurrency: settings.connectConcurrency)
        let seconds = MonotonicClock.seconds(from: start, to: MonotonicClock.now())
        // Let the server settle before memory is read: finish what the last logins started (presence, store
        // writes) and tidy up after the storm (parleyd gives freed heap back to the system within two seconds
        // of a burst ending). The same pause for every server measured; idle means after the storm.
        try await Task.sleep(nanoseconds: 3_000_000_000)
        var result = try await swarm.onLoop { $0.result(expected: 0) }
        result.phases["login"] = seconds
        return result
    }
}
