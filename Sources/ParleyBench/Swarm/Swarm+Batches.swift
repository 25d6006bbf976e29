import NIOCore

extension Swarm {
    /// Runs `operation` for each of `targets`, at most `concurrency` at a time, and completes when all have
    /// (or fails with the first failure). Used to log thousands of clients in without a thundering herd.
    func forEach(
        _ targets: [BenchClient], concurrency: Int, _ operation: @escaping (BenchClient) -> EventLoopFuture<Void>
    ) -> EventLoopFuture<Void> {
        loop.assertInEventLoop()
        let batch = Batch(targets: targets, promise: loop.makePromise(), operation: operation)
        batch.launch(concurrency: max(1, concurrency))
        return batch.promise.futureResult
    }

    /// Logs in every local client, `concurrency` at a time.
    func loginAll(concurrency: Int) async throws {
        try await loop.flatSubmit { [self] in
            forEach(clients, concurrency: concurrency) { client in self.connectAndLogin(client, attempts: 5) }
        }.get()
    }

    /// Like `connectAndLogin`, trying again after a short pause when the connection is refused or dropped
    /// before the login completes: a server with a short accept backlog (ngircd's is 10) drops connections
    /// it had no room for, and that is not what a run measures.
    func connectAndLogin(_ client: BenchClient, attempts: Int) -> EventLoopFuture<Void> {
        connectAndLogin(client).flatMapError { [self] (error: any Error) -> EventLoopFuture<Void> in
            if case BenchError.serverRefused = error { return loop.makeFailedFuture(error) }  // retrying won't help
            guard attempts > 1 else { return loop.makeFailedFuture(error) }
            return loop.flatScheduleTask(in: .milliseconds(100)) {
                self.connectAndLogin(client, attempts: attempts - 1)
            }.futureResult
        }
    }

    func joinAll(concurrency: Int) async throws {
        try await loop.flatSubmit { [self] in
            forEach(clients, concurrency: concurrency) { client in self.join(client) }
        }.get()
    }

    /// Closes every connection without logging out, as a network failure or a client's crash would: on Parley
    /// the sessions' resume tokens stay good for a while.
    func dropAll() async throws {
        try await loop.flatSubmit { [self] in
            let closing = clients.compactMap { client -> EventLoopFuture<Void>? in
                guard let channel = client.channel, let closed = client.closed else { return nil }
                channel.close(promise: nil)
                return closed.futureResult
            }
            return EventLoopFuture.andAllSucceed(closing, on: loop)
        }.get()
    }

    func logoutAll(concurrency: Int) async throws {
        try await loop.flatSubmit { [self] in
            forEach(clients, concurrency: concurrency) { client in self.logout(client) }
        }.get()
    }
}

/// The state of one `forEach`, on the swarm's loop.
private final class Batch: @unchecked Sendable {
    let targets: [BenchClient]
    let promise: EventLoopPromise<Void>
    let operation: (BenchClient) -> EventLoopFuture<Void>
    var next = 0
    var running = 0
    var finished = false

    init(
        targets: [BenchClient], promise: EventLoopPromise<Void>,
        operation: @escaping (BenchClient) -> EventLoopFuture<Void>
    ) {
        self.targets = targets
        self.promise = promise
        self.operation = operation
    }

    func launch(concurrency: Int) {
        if targets.isEmpty {
            finished = true
            promise.succeed()
            return
        }
        while running < concurrency, next < targets.count, !finished {
            let target = targets[next]
            next += 1
            running += 1
            operation(target).assumeIsolated().whenComplete { result in
                self.running -= 1
                guard !self.finished else { return }
                if case .failure(let error) = result {
                    self.finished = true
                    self.promise.fail(error)
                } else if self.next == self.targets.count, self.running == 0 {
                    self.finished = true
                    self.promise.succeed()
                } else {
                    self.launch(concurrency: concurrency)
                }
            }
        }
    }
}
