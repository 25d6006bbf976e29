import Foundation
import ParleyProtocol

/// `whoelse` and `whoelsesince` (SPEC section 3).
extension ChatCore {
    /// Online users (or, with `since`, users online at any moment in the last `since` seconds) other than
    /// `user`, alphabetical, leaving out users who blocked `user`.
    mutating func whoElse(_ id: RequestID, user: String, on connection: ConnectionID, since seconds: Int?, at now: Date)
    {
        var names: [String]
        if let seconds {
            guard seconds >= 0 else { return fail(connection, id, .invalidArguments) }
            let cutoff = now.addingTimeInterval(-TimeInterval(seconds))
            names = accounts.values.filter { account in
                online[account.name] != nil || (account.lastSeen.map { $0 >= cutoff } ?? false)
            }.map(\.name)
        } else {
            names = Array(online.keys)
        }
        names = names.filter { $0 != user && !hasBlocked($0, user) }.sorted()
        reply(connection, Reply(id: id, users: names))
    }
}
