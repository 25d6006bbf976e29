import NIOCore

/// Drives sending for `dm` and `fanout`: either paced at a fixed offered rate (a 1 ms timer sends whatever
/// the schedule says is due, round robin over the senders), or closed-loop, each sender keeping a window
/// of messages in flight and sending the next when one is delivered. Confined to the swarm's loop.
final class MessageLoad: @unchecked Sendable {
    private let swarm: Swarm
    private let senders: [BenchClient]
    private let send: (BenchClient) -> Void
    private var pacer: RepeatedTask?
    private var sending = false
    private var nextSender = 0
    private var issued = 0

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
            let start = MonotonicClock.now()
            pacer = swarm.loop.scheduleRepeatedTask(initialDelay: .zero, delay: .milliseconds(1)) { [self] _ in
                guard sending else { return }
                let due = Int(rate * MonotonicClock.seconds(from: start, to: MonotonicClock.now()))
                while issued < due {
                    send(senders[nextSender])
                    nextSender = (nextSender + 1) % senders.count
                    issued += 1
                }
            }
        } else {
            swarm.onDelivery = { [self] sender in
                if sending, sender.inFlight < window { send(sender) }
            }
            for sender in senders {
                for _ in 0..<window { send(sender) }
            }
        }
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
