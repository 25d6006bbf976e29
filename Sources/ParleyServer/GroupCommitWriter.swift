import Foundation
import NIOCore
import NIOPosix
import ParleyCore
import ParleyStore

/// Makes the core's writes durable in batches: writes that arrive while a batch is being committed wait and
/// go together in the next one, so a burst of messages costs one transaction and one fsync, not one each.
///
/// Lives on the server's event loop; the store runs on its own thread. Batches commit in order and are
/// numbered, so "durable up to batch k" is a single number.
final class GroupCommitWriter: @unchecked Sendable {  // confined to `eventLoop`, see above
    private let store: any ChatStore
    private let eventLoop: any EventLoop
    private let thread: NIOThreadPool
    private var pending: [StoreWrite] = []
    private var inFlight: UInt64?
    private var nextBatch: UInt64 = 1
    private var startScheduled = false
    private var drainWaiters: [EventLoopPromise<Void>] = []
    /// Called on the event loop when batch `number` has committed (taking `duration`) or failed.
    var onBatchFinished: (_ number: UInt64, _ writes: [StoreWrite], _ outcome: Result<Duration, any Error>) -> Void = {
        _, _, _ in
    }

    init(store: any ChatStore, eventLoop: any EventLoop, thread: NIOThreadPool) {
        self.store = store
        self.eventLoop = eventLoop
        self.thread = thread
    }

    func enqueue(_ write: StoreWrite) {
        pending.append(write)
        scheduleStart()
    }

    /// The batch whose commit makes everything enqueued so far durable; `nil` if it already is.
    var batchCoveringEnqueuedWrites: UInt64? {
        if !pending.isEmpty { return nextBatch }
        return inFlight
    }

    /// Completes when every write enqueued so far has been committed (or failed).
    func drain() -> EventLoopFuture<Void> {
        if pending.isEmpty && inFlight == nil { return eventLoop.makeSucceededVoidFuture() }
        let promise = eventLoop.makePromise(of: Void.self)
        drainWaiters.append(promise)
        return promise.futureResult
    }

    /// Starts the next batch after the current event-loop tick, so writes from the whole tick group together.
    private func scheduleStart() {
        guard !startScheduled, inFlight == nil else { return }
        startScheduled = true
        eventLoop.execute { self.startBatch() }
    }

    private func startBatch() {
        startScheduled = false
        guard inFlight == nil, !pending.isEmpty else { return }
        let number = nextBatch
        nextBatch += 1
        inFlight = number
        let writes = pending
        pending = []
        let store = self.store
        thread.runIfActive(eventLoop: eventLoop) {
            let clock = ContinuousClock()
            let started = clock.now
            try store.apply(writes)
            return clock.now - started
        }.whenComplete { result in
            self.inFlight = nil
            self.onBatchFinished(number, writes, result)
            if self.pending.isEmpty {
                let waiters = self.drainWaiters
                self.drainWaiters = []
                for waiter in waiters { waiter.succeed() }
            } else {
                self.startBatch()
            }
        }
    }
}
