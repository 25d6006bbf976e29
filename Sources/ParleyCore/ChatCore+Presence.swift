import Foundation
import ParleyProtocol

/// `whoelse` and `whoelsesince` (SPEC section 3).
extension ChatCore {
    /// Online users (or, with `since`, users online at any moment in the last `since` seconds) other than
    /// `user`, alphabetical, leaving out users who blocked `user`.
    mutating func whoElse(_ id: RequestID, user: String, on connection: ConnectionID, since seconds: Int?, at now: Date)
    {
        // Plain loops over locals: a closure that used `self` would copy the whole core once per user.
        var names: [String] = []
        if let seconds {
            guard seconds >= 0 else { return fail(connection, id, .invalidArguments) }
            let cutoff = now.addingTimeInterval(-TimeInterval(seconds))
            for account in accounts.values
            where online[account.name] != nil || (account.lastSeen.map { $0 >= cutoff } ?? false) {
                names.append(account.name)
            }
        } else {
            names = Array(online.keys)
        }
        let blockers = blockers(of: user)
        names.removeAll { $0 == user || blockers.contains($0) }
        reply(connection, Reply(id: id, users: names.sorted()))
    }
}
