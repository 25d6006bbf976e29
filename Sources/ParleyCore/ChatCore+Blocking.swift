import Foundation
import ParleyProtocol

/// `block`, `unblock` and `blocked`, the list of one's blocks (SPEC section 3). What a block hides is checked
/// where each feature decides (messages, broadcast, presence, who-lists, private sessions) through `hasBlocked`.
extension ChatCore {
    mutating func block(_ id: RequestID, user: String, on connection: ConnectionID, target: String, at now: Date) {
        guard accounts[target] != nil else { return fail(connection, id, .invalidUser) }
        guard target != user else { return fail(connection, id, .cannotBlockSelf) }
        if accounts[user]?.blocked.insert(target).inserted == true {
            accounts[target]?.blockedBy.insert(user)
            persist(.block(blocker: user, blocked: target))
            effects.append(.holdUntilDurable(connection))
        }
        reply(connection, Reply(id: id))
        endPrivate(between: user, and: target, reason: .blocked)
    }

    mutating func unblock(_ id: RequestID, user: String, on connection: ConnectionID, target: String) {
        guard accounts[target] != nil else { return fail(connection, id, .invalidUser) }
        guard target != user else { return fail(connection, id, .cannotUnblockSelf) }
        guard accounts[user]?.blocked.remove(target) != nil else {
            return fail(connection, id, .notBlocked, subject: target)
        }
        accounts[target]?.blockedBy.remove(user)
        persist(.unblock(blocker: user, blocked: target))
        effects.append(.holdUntilDurable(connection))
        reply(connection, Reply(id: id))
    }

    mutating func listBlocked(_ id: RequestID, user: String, on connection: ConnectionID, at now: Date) {
        let names = accounts[user]?.blocked.sorted() ?? []
        chargeExtra(names.count, per: 1000, on: connection, at: now)
        reply(connection, Reply(id: id, users: names))
    }
}
