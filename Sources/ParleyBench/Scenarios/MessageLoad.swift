import NIOCore

/// Drives sending for `dm` and `fanout`: either paced at a fixed offered rate (a timer sends whatever the
/// schedule says is due, round robin over the senders, about ten messages at a time), or closed-loop, each
/// sender keeping a window of messages in flight and sending the next when one is delivered. Confined to the
/// swarm's loop.
final class MessageLoad: @unchecked Sendable {
    private let swarm: Swarm
    private let senders: [BenchClient]
    private let send: (BenchClient) -> Void
    private var pacer: Scheduled<Void>?
    private var sending = false
    private var nextSender = 0
    private var issued = 0
    private var pacing: Pacing?

    /// When the paced sender sends: the schedule, and how often it looks at it.
    struct Pacing {
        let rate: Double
        let start: UInt64
        /// The most messages one tick sends.
        let burst: Int
        /// From one tick to the next.
        let period: TimeAmount

        /// Ticks come about every ten messages of the schedule, between every 200 µs and every millisecond.
        /// Every message a tick sends reaches the server at once and waits there behind the others, so a tick
        /// of 50 messages (50k msgs/s every millisecond) made the bench add its own queue of about 0.7 ms
        /// to the median. Each tick costs the bench a timer and a flush: ticks every 200 µs took it from 77 to
        /// 85 % of its core at 50k msgs/s, so they come no more often than that.
        init(rate: Double, start: UInt64) {
            self.rate = rate
            self.start = start
            // At most 4 ms of the schedule per tick (see `tick`).
            burst = max(1, Int(rate / 250))
            let tenMessages = Int64(10 / rate * 1e9)
            period = .nanoseconds(min(max(tenMessages, 200_000), 1_000_000))
        }
    }

    init(swarm: Swarm, senders: [BenchClient], send: @escaping (BenchClient) -> Void) {
        self.swarm = swarm
        self.senders = senders
        self.send = send
    }

    /// Starts sending; `rate` is this process's messages per second, 0 for closed loop with `window`.
    func start(rate: Double, window: Int) {
        swarm.loop.assertInEventLoop()
        guard !senders.isEmpty else { return }
        sending = true
        if rate > 0 {
            pacing = Pacing(rate: rate, start: MonotonicClock.now())
            pacer = swarm.loop.scheduleTask(in: .zero) { [self] in tick() }
        } else {
            swarm.onDelivery = { [self] sender in
                if sending, sender.inFlight < window { send(sender) }
            }
            for sender in senders {
                for _ in 0..<window { send(sender) }
            }
        }
    }

    /// Sends what the schedule says is due (at most `burst`), flushes, and comes back a `period` later. The
    /// flush is part of the tick so that nothing is left to run when it ends: SwiftNIO runs tasks that fall due
    /// while it runs tasks before it reads again, and with the flush as a task of its own, taking longer than
    /// a tick's period on a full core, the next tick was always due and the bench read nothing for whole
    /// windows (dm at 100k msgs/s against InspIRCd). Falling behind shows as a lower "sent per second" than
    /// the offered rate.
    private func tick() {
        guard sending, let pacing else { return }
        let began = MonotonicClock.now()
        let due = min(Int(pacing.rate * MonotonicClock.seconds(from: pacing.start, to: began)), issued + pacing.burst)
        swarm.writingTogether {
            while issued < due {
                send(senders[nextSender])
                nextSender = (nextSender + 1) % senders.count
                issued += 1
            }
        }
        pacer = swarm.loop.scheduleTask(in: pacing.period) { [self] in tick() }
    }

    func stop() {
        sending = false
        pacer?.cancel()
        pacer = nil
    }

    /// Starts recording after `warmup` and stops everything after `duration` more seconds; completes then.
    func runWindow(warmup: Double, duration: Double) -> EventLoopFuture<Void> {
        let loop = swarm.loop
        let done = loop.makePromise(of: Void.self)
        loop.scheduleTask(in: .nanoseconds(Int64(warmup * 1e9))) { [self] in
            swarm.setRecording(true)
            loop.scheduleTask(in: .nanoseconds(Int64(duration * 1e9))) { [self] in
                swarm.setRecording(false)
                stop()
                done.succeed()
            }
        }
        return done.futureResult
    }
}
