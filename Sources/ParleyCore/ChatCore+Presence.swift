import Foundation
import ParleyProtocol

/// `whoelse` and `whoelsesince` (SPEC section 3).
extension ChatCore {
    /// Online users (or, with `since`, users online at any moment in the last `since` seconds) other than
    /// `user`, alphabetical, leaving out users who blocked `user`.
    mutating func whoElse(_ id: RequestID, user: String, on connection: ConnectionID, since seconds: Int?, at now: Date)
    {
        if let seconds, seconds < 0 { return fail(connection, id, .invalidArguments) }
        var names = Array(online.keys)
        if let seconds {
            let cutoff = now.addingTimeInterval(-TimeInterval(seconds))
            for user in departures.users(leftSince: cutoff) where online[user] == nil { names.append(user) }
        }
        let blockers = blockers(of: user)
        names.removeAll { $0 == user || blockers.contains($0) }
        names.sort()
        // A user who left more than once in the window is in the log more than once.
        if seconds != nil { names = names.uniquedSorted() }
        chargeExtra(names.count, per: 1000, on: connection, at: now)
        reply(connection, Reply(id: id, users: names))
    }
}

extension [String] {
    /// A sorted array without repeats: sorted first, it needs no set.
    fileprivate func uniquedSorted() -> [String] {
        var result: [String] = []
        result.reserveCapacity(count)
        for name in self where name != result.last { result.append(name) }
        return result
    }
}
