/// How a client on a terminal picks its session up again after the server went away (restarted, or the
/// network between failed): it waits, connects and logs in again with what the user typed at login, waiting
/// longer after each failed attempt, until it succeeds or `giveUpAfter` has passed since the loss.
public struct Reconnection: Sendable, Hashable {
    /// The wait before the first attempt; it doubles after each failure up to `longestDelay`.
    public var firstDelay: Duration
    public var longestDelay: Duration
    /// Measured from the loss of the connection; the attempt under way when it passes is the last.
    public var giveUpAfter: Duration

    /// One second, doubling to thirty, for five minutes: a restart is over long before, a network that comes
    /// back is noticed within half a minute, and a server gone for good is not waited for all day.
    public static let standard = Reconnection(
        firstDelay: .seconds(1), longestDelay: .seconds(30), giveUpAfter: .seconds(300))

    public init(firstDelay: Duration, longestDelay: Duration, giveUpAfter: Duration) {
        self.firstDelay = firstDelay
        self.longestDelay = longestDelay
        self.giveUpAfter = giveUpAfter
    }

    /// The longest wait before attempt `attempt` (1 for the first).
    public func delay(beforeAttempt attempt: Int) -> Duration {
        var delay = firstDelay
        for _ in 1..<max(1, attempt) {
            delay *= 2
            if delay >= longestDelay { return longestDelay }
        }
        return min(delay, longestDelay)
    }

    /// The wait before attempt `attempt`: between half of `delay(beforeAttempt:)` and all of it, at random
    /// (`fraction`), so that the clients of a restarted server do not all come back in the same instant.
    public func jitteredDelay(beforeAttempt attempt: Int, fraction: Double = .random(in: 0.5...1)) -> Duration {
        delay(beforeAttempt: attempt) * min(1, max(0.5, fraction))
    }
}
