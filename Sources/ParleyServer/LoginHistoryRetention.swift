import Foundation
import Logging
import NIOCore
import NIOPosix
import ParleyStore

/// Forgets sessions of the login history older than the configured time, a slice at a time on the store's
/// thread: right after the start, then every hour. The history gains a row per login, so without this it
/// grows as long as the server runs; each user's last session stays, so nothing users see changes.
///
/// A large history (a first start on an old database) goes in slices of 1,000 sessions, 100 ms apart: the
/// store has one thread, and a write that must be durable (a message for someone offline) waits for a slice
/// being forgotten. Measured with 3 million old sessions: a slice of 1,000 takes about 30 ms; back to back,
/// slices held offline messages accepted durably to 330 a second (47,000 with the history kept), since every
/// group commit waited for one; 100 ms apart, 34,500 and 45,300.
final class LoginHistoryRetention: @unchecked Sendable {  // confined to `eventLoop`
    private let slice: Int
    private let pause: TimeAmount
    private let store: any ChatStore
    private let thread: NIOThreadPool
    private let eventLoop: any EventLoop
    private let keep: TimeInterval
    private let logger: Logger
    private var task: RepeatedTask?
    private var running = false
    private var forgotten = 0
    private var stopped: EventLoopPromise<Void>?

    init(
        store: any ChatStore, thread: NIOThreadPool, eventLoop: any EventLoop, keep: TimeInterval, logger: Logger,
        slice: Int = 1_000, pause: TimeAmount = .milliseconds(100)
    ) {
        self.slice = slice
        self.pause = pause
        self.store = store
        self.thread = thread
        self.eventLoop = eventLoop
        self.keep = keep
        self.logger = logger
    }

    func start() {
        task = eventLoop.scheduleRepeatedTask(initialDelay: .zero, delay: .hours(1)) { _ in self.forgetOldSessions() }
    }

    /// Stops, completing once a slice being forgotten (if any) is done.
    func stop() -> EventLoopFuture<Void> {
        task?.cancel()
        task = nil
        guard running else { return eventLoop.makeSucceededVoidFuture() }
        let promise = stopped ?? eventLoop.makePromise()
        stopped = promise
        return promise.futureResult
    }

    /// Starts forgetting, unless it is still at it from the hour before.
    private func forgetOldSessions() {
        guard !running else { return }
        running = true
        forgetSlice()
    }

    private func forgetSlice() {
        guard task != nil else { return finish() }
        let (store, slice) = (self.store, self.slice)
        let cutoff = Date().addingTimeInterval(-keep)
        thread.runIfActive(eventLoop: eventLoop) {
            try store.forgetLoginHistory(endedBefore: cutoff, limit: slice)
        }.whenComplete { result in
            switch result {
            case .success(let count):
                self.forgotten += count
                if count == self.slice {  // more to go, after the writes that wait
                    self.eventLoop.scheduleTask(in: self.pause) { self.forgetSlice() }
                    return
                }
                if self.forgotten > 0 {
                    self.logger.info("old login history forgotten", metadata: ["sessions": "\(self.forgotten)"])
                    self.forgotten = 0
                }
            case .failure(let error):
                self.logger.warning("could not forget old login history", metadata: ["error": "\(error)"])
            }
            self.finish()
        }
    }

    private func finish() {
        running = false
        stopped?.succeed()
        stopped = nil
    }
}
