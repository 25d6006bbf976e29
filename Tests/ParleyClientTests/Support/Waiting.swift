import Foundation
import ParleyTesting

/// Runs `body`, failing with `TimedOut` if it takes longer than `seconds`. `body` must end when cancelled.
func within<T: Sendable>(
    _ seconds: Double, _ what: String, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            throw TimedOut("timed out after \(seconds) s waiting for \(what)")
        }
        defer { group.cancelAll() }
        guard let result = try await group.next() else { throw TimedOut(what) }
        return result
    }
}

/// Lets waiters sleep until something changes or a deadline passes; shared by the test consoles and
/// collectors. Every wait ends by its deadline even if nothing ever changes.
struct ChangeSignal {
    private var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    private var nextID: UInt64 = 0

    mutating func register(_ continuation: CheckedContinuation<Void, Never>) -> UInt64 {
        nextID += 1
        waiters[nextID] = continuation
        return nextID
    }

    mutating func wake(_ id: UInt64) {
        waiters.removeValue(forKey: id)?.resume()
    }

    mutating func wakeAll() {
        let all = waiters.values
        waiters = [:]
        for waiter in all { waiter.resume() }
    }
}

/// Checks `condition` until it holds, for at most `seconds`; for state that changes without notice (bytes a
/// proxy saw). The pause between checks only spaces them out; the limit is what bounds the wait.
func eventually(
    within seconds: Double = 10, _ what: String, _ condition: @Sendable () async -> Bool
) async throws {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while await !condition() {
        guard ContinuousClock.now < deadline else { throw TimedOut("\(what) within \(seconds) s") }
        try await Task.sleep(for: .milliseconds(10))
    }
}
