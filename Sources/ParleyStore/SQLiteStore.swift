import Foundation
import GRDB
import ParleyCore

/// The default store: one SQLite file through GRDB, in WAL mode with `synchronous = FULL`, so a committed
/// batch survives `kill -9` and power loss. Each `apply` is one transaction: many messages arriving at
/// once share one fsync (group commit).
public final class SQLiteStore: ChatStore {
    private let queue: DatabaseQueue

    /// Opens (creating if needed) the database at `path` and migrates its schema.
    ///
    /// WAL mode is set here rather than with GRDB's `journalMode = .wal`, which, after this set-up, turns
    /// `synchronous` down to NORMAL (a commit could then be lost to a power cut) and, whenever no WAL file
    /// is left (every start after a clean stop), creates and drops a table so that a pool's readers find one.
    /// This store has one connection and needs neither; and a file that turns out to be damaged is then not
    /// written to before the damage is found (`DatabaseUnusable`).
    public init(path: String) throws {
        _ = createOwnerOnly(path)  // A path that cannot be created is left for SQLite to report.
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try AnotherProgramsDatabase.refuse(db, path: path)
            let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            guard mode == "wal" else { throw DatabaseError(message: "could not turn on WAL mode for \(path)") }
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        queue = try DatabaseQueue(path: path, configuration: configuration)
        try StoreMigrations.migrator.migrate(queue)
    }

    public func close() throws {
        try queue.close()
    }

    /// The value of `PRAGMA name` on the store's connection, for tests.
    func setting(_ name: String) throws -> String? {
        try queue.read { db in try String.fetchOne(db, sql: "PRAGMA \(name)") }
    }

    public func loadSnapshot(now: Date) throws -> CoreSnapshot {
        try queue.write { db in
            try db.execute(sql: Self.closeOpenSessions, arguments: [now.timeIntervalSince1970])
            try db.execute(sql: Self.endOpenGrants, arguments: [now.timeIntervalSince1970])
            let accounts = try Row.fetchAll(
                db, sql: Self.accountsWithLastSeen
            ).map { row in
                let lockedUntil: Double? = row["locked_until"]
                let lastSeen: Double? = row["last_seen"]
                let digest: String? = row["token_digest"]
                let ended: Double? = row["ended_at"]
                return AccountRecord(
                    name: row["name"], passwordHash: PasswordHash(encoded: row["password_hash"]),
                    failedAttempts: row["failed_attempts"],
                    lockedUntil: lockedUntil.map(Date.init(timeIntervalSince1970:)),
                    lastSeen: lastSeen.map(Date.init(timeIntervalSince1970:)),
                    resume: digest.map {
                        ResumeGrant(tokenDigest: $0, endedAt: ended.map(Date.init(timeIntervalSince1970:)))
                    })
            }
            let blocks = try Row.fetchAll(db, sql: "SELECT blocker, blocked FROM blocks").map { row in
                (blocker: row["blocker"] as String, blocked: row["blocked"] as String)
            }
            let messages = try Row.fetchAll(
                db, sql: "SELECT id, sender, recipient, text, sent_at FROM waiting_messages ORDER BY id"
            ).map { row in
                StoredMessage(
                    id: row["id"], sender: row["sender"], recipient: row["recipient"], text: row["text"],
                    sent: Date(timeIntervalSince1970: row["sent_at"]))
            }
            return CoreSnapshot(accounts: accounts, blocks: blocks, waitingMessages: messages)
        }
    }

    public func apply(_ writes: [StoreWrite]) throws {
        guard !writes.isEmpty else { return }
        try queue.write { db in
            for write in writes {
                try Self.apply(write, in: db)
            }
        }
    }

    public func accountNames() throws -> Set<String> {
        try queue.read { db in Set(try String.fetchAll(db, sql: "SELECT name FROM accounts")) }
    }

    /// Gives account `name` the password behind `hash` and lifts any lock on it, for an operator helping a user
    /// who forgot theirs (`parleyd --reset-password`, with no server running); false if there is no such account.
    public func resetPassword(of name: String, to hash: PasswordHash) throws -> Bool {
        try queue.write { db in
            try db.execute(
                sql: "UPDATE accounts SET password_hash = ?, failed_attempts = 0, locked_until = NULL WHERE name = ?",
                arguments: [hash.encoded, name])
            let found = db.changesCount == 1
            try db.execute(sql: "DELETE FROM resume_grants WHERE name = ?", arguments: [name])
            return found
        }
    }

    public func forgetLoginHistory(endedBefore cutoff: Date, limit: Int) throws -> Int {
        try queue.write { db in
            try db.execute(sql: Self.forgetSessions, arguments: [cutoff.timeIntervalSince1970, limit])
            return db.changesCount
        }
    }

    // The login history's statements. The history grows by a row per login, so each is answered from an index
    // (`StoreMigrations` v2 and v3), in steps that do not grow with it.

    /// Old sessions, oldest first, but not a user's last (`sessions_on_logout_at` finds them,
    /// `sessions_on_name_logout_at` each one's user's last logout).
    static let forgetSessions = """
        DELETE FROM sessions WHERE id IN (
            SELECT id FROM sessions AS old
            WHERE logout_at < ?1
                AND logout_at < (SELECT MAX(logout_at) FROM sessions WHERE sessions.name = old.name)
            ORDER BY logout_at LIMIT ?2)
        """

    /// At a start, what a crash or a kill left open ends now (found through an index, not by reading the history).
    static let closeOpenSessions = "UPDATE sessions SET logout_at = ? WHERE logout_at IS NULL"
    /// And so do the resume grants of the sessions it left open: their window starts at the restart.
    static let endOpenGrants = "UPDATE resume_grants SET ended_at = ? WHERE ended_at IS NULL"
    /// A logout ends the user's open session (either index finds it at once).
    static let closeSession = "UPDATE sessions SET logout_at = ? WHERE name = ? AND logout_at IS NULL"
    /// Every account with its last logout (`sessions_on_name_logout_at`, one step per account) and its resume grant.
    static let accountsWithLastSeen = """
        SELECT accounts.name, password_hash, failed_attempts, locked_until,
            (SELECT MAX(logout_at) FROM sessions WHERE sessions.name = accounts.name) AS last_seen,
            token_digest, ended_at
        FROM accounts LEFT JOIN resume_grants ON resume_grants.name = accounts.name
        """

    private static func apply(_ write: StoreWrite, in db: Database) throws {
        switch write {
        case .createAccount(let name, let hash, let at):
            try db.cachedStatement(
                sql: "INSERT INTO accounts (name, password_hash, failed_attempts, created_at) VALUES (?, ?, 0, ?)"
            )
            .execute(arguments: [name, hash.encoded, at.timeIntervalSince1970])
        case .setLockState(let name, let failedAttempts, let lockedUntil):
            try db.cachedStatement(sql: "UPDATE accounts SET failed_attempts = ?, locked_until = ? WHERE name = ?")
                .execute(arguments: [failedAttempts, lockedUntil?.timeIntervalSince1970, name])
        case .setPasswordHash(let name, let hash, _):
            try db.cachedStatement(sql: "UPDATE accounts SET password_hash = ? WHERE name = ?")
                .execute(arguments: [hash.encoded, name])
        case .block(let blocker, let blocked):
            // Of accounts that exist only (see `ChatStore.apply`).
            try db.cachedStatement(
                sql: """
                    INSERT OR IGNORE INTO blocks (blocker, blocked)
                    SELECT a.name, b.name FROM accounts a, accounts b WHERE a.name = ? AND b.name = ?
                    """
            ).execute(arguments: [blocker, blocked])
        case .unblock(let blocker, let blocked):
            try db.cachedStatement(sql: "DELETE FROM blocks WHERE blocker = ? AND blocked = ?").execute(arguments: [
                blocker, blocked,
            ])
        case .enqueue(let message):
            try db.cachedStatement(
                sql: "INSERT INTO waiting_messages (id, sender, recipient, text, sent_at) VALUES (?, ?, ?, ?, ?)"
            )
            .execute(arguments: [
                message.id, message.sender, message.recipient, message.text, message.sent.timeIntervalSince1970,
            ])
        case .dequeue(let ids):
            let statement = try db.cachedStatement(sql: "DELETE FROM waiting_messages WHERE id = ?")
            for id in ids { try statement.execute(arguments: [id]) }
        case .recordLogin(let name, let at):
            try db.cachedStatement(sql: "INSERT INTO sessions (name, login_at) VALUES (?, ?)").execute(arguments: [
                name, at.timeIntervalSince1970,
            ])
        case .recordLogout(let name, let at):
            try db.cachedStatement(sql: closeSession).execute(arguments: [at.timeIntervalSince1970, name])
        case .setResumeGrant(let name, let grant?):
            try db.cachedStatement(
                sql: """
                    INSERT OR REPLACE INTO resume_grants (name, token_digest, ended_at)
                    SELECT name, ?, ? FROM accounts WHERE name = ?
                    """
            ).execute(arguments: [grant.tokenDigest, grant.endedAt?.timeIntervalSince1970, name])
        case .setResumeGrant(let name, nil):
            try db.cachedStatement(sql: "DELETE FROM resume_grants WHERE name = ?").execute(arguments: [name])
        }
    }
}

/// Creates an empty file at `path` that only its owner can read or write, unless something is there already;
/// returns `errno` when it could not (`EEXIST` among others). A database holds password hashes and private
/// messages, so a new one is made this way before SQLite opens it (SQLite would make it as readable as the
/// umask allows, 0644 as a rule; its WAL and shared-memory files then take their mode from it), and so is the
/// file a backup is written into. An existing file keeps its mode.
func createOwnerOnly(_ path: String) -> Int32? {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { return errno }
    close(descriptor)
    return nil
}
