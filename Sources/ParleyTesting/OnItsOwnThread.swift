import Foundation

/// Runs `body` on a thread of its own and waits for it without holding a thread of Swift's cooperative pool.
///
/// Why: that pool has as many threads as the machine has cores (two here), and every async test shares it. A
/// test that blocks for seconds in synchronous calls (a store's API, a child process, a socket) holds one of
/// them all that while, and tests that wait for a timer or a reply meanwhile stall and time out. Expectations
/// inside `body` still fail the run when they fail, reported with their file and line (under an unknown test,
/// since the thread is outside the test's task); a thrown error comes back to the caller's test.
public func onItsOwnThread<Result: Sendable>(_ body: @escaping @Sendable () throws -> Result) async throws -> Result {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Swift.Result { try body() }) }
        thread.stackSize = 4 << 20
        thread.start()
    }
}
