import Foundation

/// What the core does when the store could not keep some of its writes.
extension ChatCore {
    /// Undoes in memory what could not be stored and its requester was told failed: a message must not be
    /// delivered, an account must not exist, a block, an unblock or a new password must not take effect. Latest
    /// first, so a block and its unblock failing together leave things as they were before both.
    mutating func undo(failedWrites writes: [StoreWrite], at now: Date) {
        for write in writes.reversed() {
            switch write {
            case .enqueue(let message):
                if mailbox.remove(id: message.id, for: message.recipient) { statistics.storedMessages -= 1 }
            case .createAccount(let name, _, _):
                // The client was told registration failed; an account only in memory would vanish on restart.
                effects.append(.log(LogEntry(.warning, "account could not be stored", user: name)))
                if let connection = online[name] {
                    let ending = effects.count
                    endSession(on: connection, reason: .disconnect, at: now)
                    // The store has no such account: nothing about it (its logout, its resume grant) is written.
                    let kept = effects[ending...].filter {
                        if case .persist(let write) = $0 { write.account != name } else { true }
                    }
                    effects.replaceSubrange(ending..., with: kept)
                    close(connection)
                }
                for target in accounts[name]?.blocked ?? [] { accounts[target]?.blockedBy.remove(name) }
                for blocker in accounts[name]?.blockedBy ?? [] { accounts[blocker]?.blocked.remove(name) }
                accounts[name] = nil
                // Messages sent to it meanwhile would otherwise wait for whoever registers the name next.
                let orphaned = mailbox.takeAll(for: name)
                if !orphaned.isEmpty {
                    persist(.dequeue(ids: orphaned.map(\.id)))
                    effects.append(
                        .log(
                            LogEntry(
                                .warning,
                                "dropped \(orphaned.count) messages sent to an account that could not be stored",
                                user: name)))
                }
            case .block(let blocker, let blocked):
                accounts[blocker]?.blocked.remove(blocked)
                accounts[blocked]?.blockedBy.remove(blocker)
            case .unblock(let blocker, let blocked):
                guard accounts[blocker] != nil, accounts[blocked] != nil else { break }
                accounts[blocker]?.blocked.insert(blocked)
                accounts[blocked]?.blockedBy.insert(blocker)
            case .setPasswordHash(let name, let hash, let previous):
                // The user was told the change failed: the old password must go on working.
                if accounts[name]?.passwordHash == hash { accounts[name]?.passwordHash = previous }
            case .setLockState, .dequeue, .recordLogin, .recordLogout, .setResumeGrant:
                // Nobody was promised these (the server's log says they may be out of date): a lock stays in
                // force until restart (the safe side), delivered messages still on disk come again after a
                // restart, login times only feed `whoelsesince`, and a resume grant lost is a resume refused
                // (the client then asks for the password).
                break
            }
        }
    }
}

extension StoreWrite {
    /// The one account a write is about, for writes that have one.
    fileprivate var account: String? {
        switch self {
        case .createAccount(let name, _, _), .setLockState(let name, _, _), .setPasswordHash(let name, _, _),
            .recordLogin(let name, _), .recordLogout(let name, _), .setResumeGrant(let name, _):
            name
        case .block, .unblock, .enqueue, .dequeue: nil
        }
    }
}
