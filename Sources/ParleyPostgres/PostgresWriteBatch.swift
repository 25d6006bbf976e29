import Foundation
import ParleyCore
import PostgresNIO

/// Turns a batch of the core's writes into the statements that apply it, in order, with as few round trips
/// as order allows: consecutive writes of one kind that are cheap to join (waiting messages stored or
/// delivered, logins and logouts recorded) become one statement over arrays (`UNNEST`), so a burst of
/// 10,000 offline messages is one `INSERT`, not 10,000. Writes of other kinds (accounts, locks, passwords,
/// blocks) are rare and go one statement each.
enum PostgresWriteBatch {
    static func statements(for writes: [StoreWrite]) -> [PostgresQuery] {
        var statements: [PostgresQuery] = []
        var index = writes.startIndex
        while index < writes.endIndex {
            let run = writes[index...].prefix { Kind($0) == Kind(writes[index]) }
            index = run.endIndex
            switch Kind(run.first!) {
            case .enqueue: statements.append(enqueue(run.compactMap(\.message)))
            case .dequeue: statements.append(dequeue(run.compactMap(\.dequeued).flatMap { $0 }))
            case .recordLogin: statements.append(recordLogins(run.compactMap(\.login)))
            case .recordLogout: statements.append(recordLogouts(run.compactMap(\.logout)))
            case .other: statements += run.map(single)
            }
        }
        return statements
    }

    /// The writes that can share a statement with their neighbours of the same kind.
    private enum Kind: Equatable {
        case enqueue, dequeue, recordLogin, recordLogout, other

        init(_ write: StoreWrite) {
            switch write {
            case .enqueue: self = .enqueue
            case .dequeue: self = .dequeue
            case .recordLogin: self = .recordLogin
            case .recordLogout: self = .recordLogout
            case .createAccount, .setLockState, .setPasswordHash, .block, .unblock, .setResumeGrant: self = .other
            }
        }
    }

    private static func enqueue(_ messages: [StoredMessage]) -> PostgresQuery {
        let ids = messages.map(\.id)
        let senders = messages.map(\.sender)
        let recipients = messages.map(\.recipient)
        let texts = messages.map(\.text)
        let sent = messages.map(\.sent.timeIntervalSince1970)
        return """
            INSERT INTO waiting_messages (id, sender, recipient, text, sent_at)
            SELECT * FROM UNNEST(\(ids)::bigint[], \(senders)::text[], \(recipients)::text[], \(texts)::text[],
                \(sent)::double precision[])
            """
    }

    private static func dequeue(_ ids: [Int64]) -> PostgresQuery {
        "DELETE FROM waiting_messages WHERE id = ANY(\(ids)::bigint[])"
    }

    private static func recordLogins(_ logins: [(name: String, at: Date)]) -> PostgresQuery {
        let names = logins.map(\.name)
        let times = logins.map(\.at.timeIntervalSince1970)
        return """
            INSERT INTO sessions (name, login_at)
            SELECT l.name, l.at
            FROM UNNEST(\(names)::text[], \(times)::double precision[]) WITH ORDINALITY AS l(name, at, n)
            ORDER BY l.n
            """
    }

    /// Ends each user's open session (the `sessions_open` index finds it).
    private static func recordLogouts(_ logouts: [(name: String, at: Date)]) -> PostgresQuery {
        let names = logouts.map(\.name)
        let times = logouts.map(\.at.timeIntervalSince1970)
        return """
            UPDATE sessions SET logout_at = l.at
            FROM UNNEST(\(names)::text[], \(times)::double precision[]) AS l(name, at)
            WHERE sessions.name = l.name AND sessions.logout_at IS NULL
            """
    }

    private static func single(_ write: StoreWrite) -> PostgresQuery {
        switch write {
        case .createAccount(let name, let hash, let at):
            let created = at.timeIntervalSince1970
            return """
                INSERT INTO accounts (name, password_hash, failed_attempts, created_at)
                VALUES (\(name), \(hash.encoded), 0, \(created))
                """
        case .setLockState(let name, let failedAttempts, let lockedUntil):
            let until = lockedUntil?.timeIntervalSince1970
            return
                "UPDATE accounts SET failed_attempts = \(failedAttempts), locked_until = \(until) WHERE name = \(name)"
        case .setPasswordHash(let name, let hash, _):
            return "UPDATE accounts SET password_hash = \(hash.encoded) WHERE name = \(name)"
        case .block(let blocker, let blocked):
            // Of accounts that exist only (see `ChatStore.apply`).
            return """
                INSERT INTO blocks (blocker, blocked)
                SELECT a.name, b.name FROM accounts a, accounts b WHERE a.name = \(blocker) AND b.name = \(blocked)
                ON CONFLICT DO NOTHING
                """
        case .unblock(let blocker, let blocked):
            return "DELETE FROM blocks WHERE blocker = \(blocker) AND blocked = \(blocked)"
        case .setResumeGrant(let name, let grant?):
            let ended = grant.endedAt?.timeIntervalSince1970
            return """
                INSERT INTO resume_grants (name, token_digest, ended_at)
                SELECT name, \(grant.tokenDigest), \(ended) FROM accounts WHERE name = \(name)
                ON CONFLICT (name) DO UPDATE SET token_digest = EXCLUDED.token_digest, ended_at = EXCLUDED.ended_at
                """
        case .setResumeGrant(let name, nil):
            return "DELETE FROM resume_grants WHERE name = \(name)"
        case .enqueue(let message):
            return enqueue([message])
        case .dequeue(let ids):
            return dequeue(ids)
        case .recordLogin(let name, let at):
            return recordLogins([(name, at)])
        case .recordLogout(let name, let at):
            return recordLogouts([(name, at)])
        }
    }
}

extension StoreWrite {
    fileprivate var message: StoredMessage? {
        if case .enqueue(let message) = self { message } else { nil }
    }

    fileprivate var dequeued: [Int64]? {
        if case .dequeue(let ids) = self { ids } else { nil }
    }

    fileprivate var login: (name: String, at: Date)? {
        if case .recordLogin(let name, let at) = self { (name, at) } else { nil }
    }

    fileprivate var logout: (name: String, at: Date)? {
        if case .recordLogout(let name, let at) = self { (name, at) } else { nil }
    }
}
