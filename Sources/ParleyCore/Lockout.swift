import Foundation

/// The lockout rule: after `limit` consecutive wrong passwords an account is locked for a while; a right
/// password resets the count; an expired lock starts a fresh count.
struct LockState: Equatable {
    var failedAttempts: Int
    var lockedUntil: Date?

    func isLocked(at now: Date) -> Bool {
        guard let lockedUntil else { return false }
        return now < lockedUntil
    }

    /// Records a wrong password; returns true when this attempt locked the account.
    mutating func recordFailure(at now: Date, limit: Int, duration: TimeInterval) -> Bool {
        if let lockedUntil, now >= lockedUntil {
            self.lockedUntil = nil
            failedAttempts = 0
        }
        failedAttempts += 1
        guard failedAttempts >= limit else { return false }
        failedAttempts = 0
        lockedUntil = now.addingTimeInterval(duration)
        return true
    }

    /// Records a right password; returns true when anything changed (so it needs persisting).
    mutating func recordSuccess() -> Bool {
        let changed = failedAttempts != 0 || lockedUntil != nil
        failedAttempts = 0
        lockedUntil = nil
        return changed
    }
}
