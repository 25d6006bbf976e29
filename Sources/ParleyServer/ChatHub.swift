import Foundation
import Logging
import NIOCore
import NIOPosix
import ParleyCore
import ParleyProtocol
import ParleyServerWire
import ParleyStore

/// The bridge between connections and the core: feeds inputs in with the current time and carries the
/// effects out (writes to channels, store writes, password hashing, timers, logs).
///
/// Every connection and the core live on one event loop, so the hot path has no locks and no hops: a
/// request is decoded, applied and its deliveries written in the same tick, and each dirty channel is
/// flushed once per tick. Only scrypt and SQLite run elsewhere (thread pools) and come back to the loop.
/// `@unchecked Sendable` because all state is confined to `eventLoop`; callbacks hop back to it.
final class ChatHub: @unchecked Sendable {
    let eventLoop: any EventLoop
    private var core: ChatCore
    private let writer: GroupCommitWriter
    private let hashPool: NIOThreadPool
    private let hasher: PasswordHasher
    let logger: Logger
    let maxOutboundBytes: Int
    private let requestDecoder = RequestDecoder()
    let frameEncoder = FrameEncoder()
    let allocator = ByteBufferAllocator()

    var slots: [ConnectionID: ConnectionSlot] = [:]
    /// The slots whose output waits for a store batch, so a finished batch need not look at every connection.
    private var heldSlots: [ConnectionID: ConnectionSlot] = [:]
    private var timers: [TimerKey: Scheduled<Void>] = [:]
    private var lastConnectionID: UInt64 = 0
    /// Slots written to in this tick, to flush once at its end.
    var dirty = DeferredBatch<ConnectionSlot>()
    /// Connections that closed and that the core has not been told about yet, oldest first.
    private var closedConnections = DeferredBatch<ConnectionID>()
    private static let disconnectBatch = 64
    /// Presence events not yet given to every online connection, written when `PresenceJournal.delay` has
    /// passed.
    var presence: PresenceJournal
    var bursts = BurstWatch()
    private var storeFailures = StoreFailureLog()
    /// Store commits are timed into it as they finish; scrapes read the rest from `metricsSnapshot`.
    let metrics = ServerMetrics()
    private var memoryWatch: RepeatedTask?

    init(
        core: ChatCore, store: any ChatStore, eventLoop: any EventLoop, storeThread: NIOThreadPool,
        hashPool: NIOThreadPool, configuration: ServerConfiguration, logger: Logger
    ) {
        self.core = core
        self.presence = PresenceJournal(allocator: allocator)
        self.eventLoop = eventLoop
        self.hashPool = hashPool
        self.hasher = configuration.passwordHasher
        self.logger = logger
        self.maxOutboundBytes = configuration.maxOutboundBytes
        self.writer = GroupCommitWriter(store: store, eventLoop: eventLoop, thread: storeThread)
        writer.onBatchFinished = { [unowned self] number, writes, outcome in
            self.metrics.storeBatchFinished(writes: writes.count, duration: try? outcome.get())
            let error: (any Error)? = if case .failure(let error) = outcome { error } else { nil }
            self.batchFinished(number, writes: writes, error: error)
        }
    }

    // MARK: Inputs from connections

    /// A new connection; `socket` is its descriptor when the hub may write to it directly (plaintext).
    func connect(_ channel: any Channel, socket: CInt?) -> ConnectionID {
        lastConnectionID += 1
        let id = ConnectionID(lastConnectionID)
        slots[id] = ConnectionSlot(id: id, channel: channel, socket: socket)
        let address = channel.remoteAddress?.ipAddress ?? "unknown"
        apply(.connected(id, address: address))
        return id
    }

    func receive(line: ByteBuffer, from id: ConnectionID) {
        // A blank line (nothing, or spaces and tabs: a person at `nc` pressing Enter) is not a request.
        guard line.readableBytesView.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }) else {
            return
        }
        switch requestDecoder.decode(line) {
        case .success(let request):
            apply(.request(id, request))
        case .failure(let failure):
            logger.debug("malformed request", metadata: ["connection": "\(id)", "reason": "\(failure.detail)"])
            send(.reply(failure.reply), to: id)
        }
    }

    /// The client closed its side (and reads on): the connection closes as soon as nothing it asked for is
    /// still under way (a password check, a reply that waits for the store; `close` waits for the latter).
    func inputEnded(_ id: ConnectionID) {
        slots[id]?.inputEnded = true
        closeIfAnswered(id)
    }

    /// Closes a connection whose client closed its side once the core has no password work for it, checked
    /// again as each such piece of work comes back.
    private func closeIfAnswered(_ id: ConnectionID) {
        guard slots[id]?.inputEnded == true, !core.awaitsPasswordWork(on: id) else { return }
        close(id)
    }

    func lineTooLong(on id: ConnectionID, limit: Int) {
        logger.notice("line too long, closing", metadata: ["connection": "\(id)", "limit": "\(limit)"])
        let reply = Reply(
            id: nil, ok: false,
            error: ErrorBody(code: .lineTooLong, message: "Error. Line too long (max \(limit) bytes)"))
        send(.reply(reply), to: id)
        close(id)
    }

    /// A closed connection is written to no more at once, and handed to the core with others that closed
    /// about the same time, a batch per event-loop task with the batch's output written before the next:
    /// when thousands drop together (a load balancer restarting, a load test ending), each one's going is
    /// announced to everyone still online, and doing all of that in one tick would hold thousands of
    /// presence events per connection in memory at once (1.6 GB for 10,000 clients, before this).
    /// (A channel reports its end once, so each connection arrives here once.)
    func disconnected(_ id: ConnectionID) {
        guard let slot = slots[id] else { return }
        markClosing(slot)
        if closedConnections.add(id) { scheduleHandOver() }
    }

    /// Nothing is written to `slot` any more, and the core knows at once, so a message to its user is kept
    /// for them rather than acknowledged as delivered to a connection that drops it.
    func markClosing(_ slot: ConnectionSlot) {
        guard !slot.closing else { return }
        slot.closing = true
        slot.outbox = nil
        apply(.closing(slot.id))
    }

    private func scheduleHandOver() {
        eventLoop.execute {
            for id in self.closedConnections.take(upTo: Self.disconnectBatch) {
                self.slots[id] = nil
                self.heldSlots[id] = nil
                self.apply(.disconnected(id))
            }
            self.flushDirtySlots()
            if self.closedConnections.claimRun() { self.scheduleHandOver() }
        }
    }

    /// Once a second: when a burst of output (a login or logout storm) has just died down, gives the memory
    /// it left free back to the system, on a hashing thread so the event loop does not wait for it.
    func watchMemory() {
        memoryWatch = eventLoop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in
            guard self.bursts.secondPassed() else { return }
            self.hashPool.submit { _ in ProcessTuning.returnFreeMemory() }
        }
    }

    /// Logs everyone out with a notice and completes when the store has everything.
    func shutdown() -> EventLoopFuture<Void> {
        memoryWatch?.cancel()
        apply(.shutdown)
        for timer in timers.values { timer.cancel() }
        timers = [:]
        return writer.drain()
    }

    // MARK: Running the core

    func apply(_ input: CoreInput) {
        eventLoop.assertInEventLoop()
        let now = Date()
        for effect in core.handle(input, at: now) {
            execute(effect, now: now)
        }
    }

    private func execute(_ effect: Effect, now: Date) {
        switch effect {
        case .send(let id, let frame):
            send(frame, to: id)
        case .sendToEach(let ids, let frame):
            let bytes = frameEncoder.encode(frame, allocator: allocator)
            for id in ids { send(frame, to: id, encoded: bytes) }
        case .presence(let user, let online, let connection, let hiddenFrom):
            announcePresence(user: user, online: online, connection: connection, hiddenFrom: hiddenFrom)
        case .close(let id):
            close(id)
        case .persist(let write):
            writer.enqueue(write)
        case .holdUntilDurable(let id):
            if let batch = writer.batchCoveringEnqueuedWrites, let slot = slots[id] {
                slot.hold(until: batch)
                heldSlots[id] = slot
            }
        case .verifyPassword(let id, let requestID, let username, let password, let hash):
            let hasher = self.hasher
            hashPool.runIfActive(eventLoop: eventLoop) {
                ProcessTuning.lowerCurrentThreadPriority()
                return hasher.verify(password, against: hash.encoded)
            }
            .whenSuccess { matches in
                // Without an answer (the pool stopped: the server is shutting down) nothing is counted.
                self.apply(.passwordVerified(id, requestID, username: username, matches: matches))
                self.closeIfAnswered(id)
            }
        case .hashPassword(let id, let requestID, let username, let password):
            let hasher = self.hasher
            hashPool.runIfActive(eventLoop: eventLoop) {
                ProcessTuning.lowerCurrentThreadPriority()
                return try hasher.hash(password)
            }
            .whenComplete { result in
                switch result {
                case .success(let encoded):
                    self.apply(.passwordHashed(id, requestID, username: username, PasswordHash(encoded: encoded)))
                case .failure(is NIOThreadPoolError.ThreadPoolInactive):
                    break  // shutting down: the session ends with everyone's
                case .failure(let error):
                    self.logger.error("password hashing failed", metadata: ["error": "\(error)"])
                    self.close(id)
                }
                self.closeIfAnswered(id)
            }
        case .schedule(let key, let deadline):
            timers[key]?.cancel()
            // At most a year ahead, so a far deadline cannot overflow the nanoseconds: an inactivity timer that
            // fires early is set again by the core, and parleyd allows no longer login deadline.
            let seconds = min(max(0, deadline.timeIntervalSince(now)), 365 * 24 * 3600)
            let delay = TimeAmount.nanoseconds(Int64(seconds * 1e9))
            timers[key] = eventLoop.scheduleTask(in: delay) {
                self.timers[key] = nil
                self.apply(.timerFired(key))
            }
        case .cancel(let key):
            timers.removeValue(forKey: key)?.cancel()
        case .log(let entry):
            var metadata: Logger.Metadata = [:]
            if let user = entry.user { metadata["user"] = "\(user)" }
            if let connection = entry.connection {
                metadata["connection"] = "\(connection)"
                // Where a wrong password or a refused login came from is what an operator looks for first.
                if let address = core.address(of: connection) { metadata["address"] = "\(address)" }
            }
            logger.log(level: entry.level.loggerLevel, "\(entry.message)", metadata: metadata)
        }
    }

    /// The numbers a metrics scrape reports; on the event loop.
    func metricsSnapshot() -> ServerMetrics.Snapshot {
        ServerMetrics.Snapshot(
            statistics: core.statistics, connections: slots.count, usersOnline: core.onlineCount,
            waitingMessages: core.waitingMessageCount)
    }

    private func batchFinished(_ number: UInt64, writes: [StoreWrite], error: (any Error)?) {
        if let error {
            logStoreFailure(error, writes: writes.count)
        } else if case .recovered(let batches) = storeFailures.batchStored() {
            logger.notice("store writes succeed again", metadata: ["failed batches": "\(batches)"])
        }
        for (id, slot) in heldSlots {
            let released = slot.release(through: number)
            for output in released where !slot.closing {
                switch output {
                case .durableReply(let reply, let batch) where error != nil && batch == number && reply.ok:
                    // The reply promised durability it could not get.
                    deliverUnheld(.reply(.failure(reply.id, .storeFailure)), to: slot)
                case .durableReply(let reply, _):
                    deliverUnheld(.reply(reply), to: slot)
                case .frame(let frame):
                    deliverUnheld(frame, to: slot)
                case .presence(let events):
                    write(events, to: slot)
                }
            }
            guard !slot.isHeld else { continue }
            heldSlots[id] = nil
            if slot.closeWhenReleased { close(id) }
        }
        if error != nil { apply(.writesFailed(writes)) }
    }

}

extension ChatHub {
    fileprivate func logStoreFailure(_ error: any Error, writes: Int) {
        switch storeFailures.batchFailed(at: Date()) {
        case .firstFailure:
            logger.error(
                """
                store writes are failing (\(StoreFailureCause(error).hint)): requests that must be stored are refused with \
                store_failure; logins, logouts, locks and delivered waiting messages may be out of date after a \
                restart
                """,
                metadata: ["error": "\(error)", "writes": "\(writes)"])
        case .stillFailing(let batches):
            logger.error(
                "store writes still failing", metadata: ["error": "\(error)", "failed batches": "\(batches)"])
        case .recovered, nil:
            break
        }
    }
}

extension LogEntry.Level {
    var loggerLevel: Logger.Level {
        switch self {
        case .debug: .debug
        case .info: .info
        case .notice: .notice
        case .warning: .warning
        }
    }
}
