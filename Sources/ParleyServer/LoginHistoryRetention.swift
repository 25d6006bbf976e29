import Foundation
import Logging
import NIOCore
import NIOPosix
import ParleyStore

/// Forgets sessions of the login history older than the configured time, a slice at a time on the store's
/// thread: right after the start, then every hour. The history gains a row per login, so without this it
/// grows as long as the server runs; each user's last session stays, so nothing users see changes.
///
/// Slices are `slice` sessions each, queued behind the group commits on the same thread, so a large history
/// (a first start with the limit on an old database) is forgotten without holding up messages for long.
final class LoginHistoryRetention: @unchecked Sendable {  // confined to `eventLoop`
    static let slice = 10_000
    private let store: any ChatStore
    private let thread: NIOThreadPool
    private let eventLoop: any EventLoop
    private let keep: TimeInterval
    private let logger: Logger
    private var task: RepeatedTask?
    private var running = false
    private var forgotten = 0
    private var stopped: EventLoopPromise<Void>?

    init(store: any ChatStore, thread: NIOThreadPool, eventLoop: any EventLoop, keep: TimeInterval, logger: Logger) {
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

    private func forgetOldSessions() {
        guard !running else { return }
        running = true
        let store = self.store
        let cutoff = Date().addingTimeInterval(-keep)
        thread.runIfActive(eventLoop: eventLoop) {
            try store.forgetLoginHistory(endedBefore: cutoff, limit: Self.slice)
        }.whenComplete { result in
            self.running = false
            defer {
                self.stopped?.succeed()
                self.stopped = nil
            }
            switch result {
            case .success(let count):
                self.forgotten += count
                if count == Self.slice, self.task != nil {
                    self.forgetOldSessions()  // more to go: the next slice queues behind what waits now
                } else if self.forgotten > 0 {
                    self.logger.info("old login history forgotten", metadata: ["sessions": "\(self.forgotten)"])
                    self.forgotten = 0
                }
            case .failure(let error):
                self.logger.warning("could not forget old login history", metadata: ["error": "\(error)"])
            }
        }
    }
}
