import ParleyTesting

/// Collects values reported from other tasks, in the order reported, and lets a test wait (bounded) for
/// the next one.
actor EventCollector<Event: Sendable> {
    private(set) var events: [Event] = []
    private var cursor = 0
    private var signal = ChangeSignal()
    private let continuation: AsyncStream<Event>.Continuation

    init() {
        let (stream, continuation) = AsyncStream.makeStream(of: Event.self)
        self.continuation = continuation
        Task { [weak self] in
            for await event in stream { await self?.append(event) }
        }
    }

    /// Callable from any thread; order is kept.
    nonisolated func report(_ event: Event) {
        continuation.yield(event)
    }

    private func append(_ event: Event) {
        events.append(event)
        signal.wakeAll()
    }

    /// The next event not yet taken.
    func next(within seconds: Double = 10) async throws -> Event {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while cursor >= events.count {
            guard ContinuousClock.now < deadline else { throw TimedOut("no event within \(seconds) s") }
            await withCheckedContinuation { continuation in
                let id = signal.register(continuation)
                Task {
                    try? await Task.sleep(until: deadline)  // Cancelled or not, the waiter must be woken.
                    self.wake(id)
                }
            }
        }
        cursor += 1
        return events[cursor - 1]
    }

    private func wake(_ id: UInt64) {
        signal.wake(id)
    }
}
