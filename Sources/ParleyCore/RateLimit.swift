import Foundation

/// A rate: `perSecond` on average, with bursts of up to `burst`.
public struct RateLimit: Sendable, Hashable {
    public var burst: Double
    public var perSecond: Double

    public init(burst: Double, perSecond: Double) {
        self.burst = burst
        self.perSecond = perSecond
    }
}

/// A token bucket for one client, address or account. Starts full; each action takes a token; tokens
/// come back at `perSecond`.
struct TokenBucket {
    private var tokens: Double
    private var updated: Date
    /// Tokens asked for and refused since one was last given.
    private(set) var refusedInARow = 0

    init(limit: RateLimit, now: Date) {
        tokens = limit.burst
        updated = now
    }

    /// Takes a token if there is one.
    mutating func take(_ limit: RateLimit, at now: Date) -> Bool {
        refill(limit, at: now)
        guard tokens >= 1 else {
            refusedInARow += 1
            return false
        }
        tokens -= 1
        refusedInARow = 0
        return true
    }

    /// Whether the bucket is full again, so forgetting it changes nothing.
    func isFull(_ limit: RateLimit, at now: Date) -> Bool {
        tokens + now.timeIntervalSince(updated) * limit.perSecond >= limit.burst
    }

    /// Takes `count` more tokens for work that turned out dear, into debt if need be (at most one burst's
    /// worth): the requests after it wait until the bucket has refilled.
    mutating func charge(_ count: Double, _ limit: RateLimit, at now: Date) {
        refill(limit, at: now)
        tokens = max(-limit.burst, tokens - count)
    }

    /// Gives back a token taken for something that turned out not to count.
    mutating func refund(_ limit: RateLimit) {
        tokens = min(limit.burst, tokens + 1)
    }

    private mutating func refill(_ limit: RateLimit, at now: Date) {
        let elapsed = max(0, now.timeIntervalSince(updated))
        tokens = min(limit.burst, tokens + elapsed * limit.perSecond)
        updated = now
    }
}

/// Token buckets by key (an address or an account), forgetting full ones so the table stays small.
struct RateLimiter<Key: Hashable> {
    let limit: RateLimit
    private var buckets: [Key: TokenBucket] = [:]
    private static var pruneThreshold: Int { 4096 }

    init(limit: RateLimit) {
        self.limit = limit
    }

    mutating func allow(_ key: Key, at now: Date) -> Bool {
        if buckets.count >= Self.pruneThreshold {
            buckets = buckets.filter { !$0.value.isFull(limit, at: now) }
        }
        var bucket = buckets[key] ?? TokenBucket(limit: limit, now: now)
        let allowed = bucket.take(limit, at: now)
        buckets[key] = bucket
        return allowed
    }

    mutating func refund(_ key: Key) {
        buckets[key]?.refund(limit)
    }
}
