import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ParleyCore
import ParleyStore
import PostgresNIO
import Synchronization

/// The store in a PostgreSQL database, for operators who keep their data on a database server (backed up,
/// replicated and watched with PostgreSQL's own tools) rather than in a file beside parleyd.
///
/// It keeps `ChatStore`'s promises the way `SQLiteStore` does: each batch is one transaction, committed with
/// `synchronous_commit = on` whatever the server's default, so a reply the core sends after it means the data
/// is on the database server's disk. A batch is a few statements, not one per write (`PostgresWriteBatch`), each
/// a round trip (postgres-nio runs a connection's statements one after another).
///
/// One parleyd per database: the core keeps the state in memory, so a second server on the same database
/// would trample the first one's writes. The store holds a session-level advisory lock for as long as its
/// connection lives (PostgreSQL drops it when the connection ends, however parleyd ends) and refuses to
/// start, naming the holder, when another has it.
///
/// The `ChatStore` calls are synchronous (the server makes them on its store thread): each waits for
/// postgres-nio's futures on the store's own event loop, never on the caller's, and for at most `timeout`,
/// after which the connection is closed and the call fails. A connection lost between calls is made again
/// (and the lock taken again) by the next one. A batch whose connection broke mid-way may have been committed
/// all the same (PostgreSQL had its `COMMIT`, the answer was lost): each batch leaves its mark in the database,
/// and a failed one counts as failed only once a fresh connection has found that mark missing.
public final class PostgresStore: ChatStore {
    /// The advisory lock's key: "parl" in ASCII.
    static let lockKey: Int64 = 0x7061_726C

    public let location: PostgresLocation
    private let group: MultiThreadedEventLoopGroup
    private let tls: PostgresConnection.Configuration.TLS
    private let timeout: TimeAmount
    private let lockPatience: Duration
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var connection: PostgresConnection?
        /// The PostgreSQL process serving `connection`.
        var backend: Int32?
        var connections = 0
        var closed = false
    }

    /// Connects to `location`, takes the database for this server and brings its schema up to date. A call
    /// waits at most `timeout` for the server; a lock held by another parleyd is waited for `lockPatience`.
    public init(
        location: PostgresLocation, timeout: TimeAmount = .seconds(30), lockPatience: Duration = .seconds(3),
        logger: Logger
    ) throws {
        self.location = location
        self.timeout = timeout
        self.lockPatience = lockPatience
        self.logger = logger
        tls = try Self.tls(for: location)
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            try migrate()
        } catch {
            try? close()
            throw error
        }
    }

    public func close() throws {
        let connection = state.withLock { state in
            state.closed = true
            defer { state.connection = nil }
            return state.connection
        }
        try? connection?.close().wait()
        try group.syncShutdownGracefully()
    }

    // MARK: ChatStore

    public func loadSnapshot(now: Date) throws -> CoreSnapshot {
        let results = try transaction([
            "UPDATE sessions SET logout_at = \(now.timeIntervalSince1970) WHERE logout_at IS NULL",
            "UPDATE resume_grants SET ended_at = \(now.timeIntervalSince1970) WHERE ended_at IS NULL",
            """
            SELECT accounts.name, password_hash, failed_attempts, locked_until,
                (SELECT MAX(logout_at) FROM sessions WHERE sessions.name = accounts.name) AS last_seen,
                token_digest, ended_at
            FROM accounts LEFT JOIN resume_grants ON resume_grants.name = accounts.name
            """,
            "SELECT blocker, blocked FROM blocks",
            "SELECT id, sender, recipient, text, sent_at FROM waiting_messages ORDER BY id",
        ])
        let accounts = try results[2].rows.map { row in
            let (name, hash, failed, lockedUntil, lastSeen, digest, ended) = try row.decode(
                (String, String, Int, Double?, Double?, String?, Double?).self)
            return AccountRecord(
                name: name, passwordHash: PasswordHash(encoded: hash), failedAttempts: failed,
                lockedUntil: lockedUntil.map(Date.init(timeIntervalSince1970:)),
                lastSeen: lastSeen.map(Date.init(timeIntervalSince1970:)),
                resume: digest.map {
                    ResumeGrant(tokenDigest: $0, endedAt: ended.map(Date.init(timeIntervalSince1970:)))
                })
        }
        let blocks = try results[3].rows.map { row in
            let (blocker, blocked) = try row.decode((String, String).self)
            return (blocker: blocker, blocked: blocked)
        }
        let messages = try results[4].rows.map { row in
            let (id, sender, recipient, text, sent) = try row.decode((Int64, String, String, String, Double).self)
            return StoredMessage(
                id: id, sender: sender, recipient: recipient, text: text, sent: Date(timeIntervalSince1970: sent))
        }
        return CoreSnapshot(accounts: accounts, blocks: blocks, waitingMessages: messages)
    }

    public func apply(_ writes: [StoreWrite]) throws {
        guard !writes.isEmpty else { return }
        let mark = Int64.random(in: 1 ... .max)
        let statements = ["UPDATE parley_last_batch SET mark = \(mark)"] + PostgresWriteBatch.statements(for: writes)
        let connection = try connected()  // a failure here sent nothing
        do {
            _ = try transaction(statements, on: connection)
        } catch {
            guard wasCommitted(mark: mark, failure: error) else { throw error }
            logger.warning(
                "a batch's connection broke as it committed; PostgreSQL has it",
                metadata: ["writes": "\(writes.count)", "failure": "\(PostgresStoreFailure(error, at: location))"])
        }
    }

    /// Whether the batch that left `mark` was committed though its call failed with `failure`: asked on a
    /// connection made after the batch's own backend has ended (the advisory lock is free only then), when the
    /// batch can no longer commit. When that cannot be asked, the batch counts as failed, as it would have
    /// without the mark, and the log says so.
    private func wasCommitted(mark: Int64, failure: any Error) -> Bool {
        do {
            let result = try transaction(["SELECT mark FROM parley_last_batch"])[0]
            return try result.rows.first?.decode(Int64.self) == mark
        } catch {
            logger.error(
                "a failed batch may have been committed all the same; its outcome cannot be learnt",
                metadata: ["failure": "\(PostgresStoreFailure(failure, at: location))", "asking": "\(error)"])
            return false
        }
    }

    public func accountNames() throws -> Set<String> {
        let result = try transaction(["SELECT name FROM accounts"])[0]
        return Set(try result.rows.map { try $0.decode(String.self) })
    }

    public func resetPassword(of name: String, to hash: PasswordHash) throws -> Bool {
        let result = try transaction([
            """
            UPDATE accounts SET password_hash = \(hash.encoded), failed_attempts = 0, locked_until = NULL
            WHERE name = \(name)
            """,
            "DELETE FROM resume_grants WHERE name = \(name)",
        ])[0]
        return result.metadata.rows == 1
    }

    public func forgetLoginHistory(endedBefore cutoff: Date, limit: Int) throws -> Int {
        let result = try transaction([
            """
            DELETE FROM sessions WHERE id IN (
                SELECT id FROM sessions AS old
                WHERE logout_at < \(cutoff.timeIntervalSince1970)
                    AND logout_at < (SELECT MAX(logout_at) FROM sessions WHERE sessions.name = old.name)
                ORDER BY logout_at LIMIT \(limit))
            """
        ])[0]
        return result.metadata.rows ?? 0
    }

    // MARK: Running statements

    /// Runs `statements` in one transaction and returns each one's result; throws the first
    /// failure (PostgreSQL then rolls the whole transaction back).
    func transaction(_ statements: [PostgresQuery]) throws -> [PostgresQueryResult] {
        try transaction(statements, on: try connected())
    }

    private func transaction(_ statements: [PostgresQuery], on connection: PostgresConnection) throws
        -> [PostgresQueryResult]
    {
        try run(["BEGIN"] + statements + ["COMMIT"], on: connection).dropFirst().dropLast()
    }

    /// Hands every statement to the connection at once (postgres-nio queues them and runs them in order, one
    /// round trip each) and waits for all; a server too slow to answer them all loses the connection.
    private func run(_ statements: [PostgresQuery], on connection: PostgresConnection) throws -> [PostgresQueryResult] {
        let all = EventLoopFuture.whenAllComplete(
            statements.map { connection.query($0, logger: logger) }, on: connection.eventLoop)
        return try bounded(all) { connection.close().whenComplete { _ in } }.map { outcome in
            try outcome.mapError { PostgresStoreFailure($0, at: location) }.get()
        }
    }

    /// What `future` gives, waited for at most `timeout`; then `onTimeout` runs (on the event loop) and the
    /// call fails. Failures come back in an operator's words (`PostgresStoreFailure`).
    private func bounded<Value: Sendable>(
        _ future: EventLoopFuture<Value>, onTimeout: @escaping @Sendable () -> Void
    ) throws -> Value {
        let outcome = future.eventLoop.makePromise(of: Value.self)
        future.cascade(to: outcome)  // after a timeout, completing it again is ignored
        let failure = PostgresStoreFailure.timedOut(location, after: timeout)
        let timer = future.eventLoop.scheduleTask(in: timeout) {
            outcome.fail(failure)
            onTimeout()
        }
        defer { timer.cancel() }
        do {
            return try outcome.futureResult.wait()
        } catch {
            throw PostgresStoreFailure(error, at: location)
        }
    }

    /// The open connection, made (and the database locked) again if the last one was lost.
    private func connected() throws -> PostgresConnection {
        try state.withLock { state in
            guard !state.closed else { throw PostgresStoreFailure.closed(location) }
            if let connection = state.connection, !connection.isClosed { return connection }
            let previous = state.backend
            state.connection = nil
            state.backend = nil
            state.connections += 1
            let (connection, backend) = try connect(id: state.connections, previousBackend: previous)
            state.connection = connection
            state.backend = backend
            return connection
        }
    }

    /// A new connection, locked, and the process id of its backend. `previousBackend` served this store's
    /// last connection: if it still holds the lock, it is ended.
    private func connect(id: Int, previousBackend: Int32?) throws -> (PostgresConnection, Int32) {
        let attempt = PostgresConnection.connect(on: group.next(), configuration: configuration, id: id, logger: logger)
        // postgres-nio's own timeout covers the TCP handshake only; a server that accepts and never answers
        // is given up here, and a connection it completes later is closed at once.
        let connection = try bounded(attempt) { attempt.whenSuccess { late in late.close().whenComplete { _ in } } }
        do {
            let backend = try run(["SET synchronous_commit TO on", "SELECT pg_backend_pid()"], on: connection)[1]
            try lock(on: connection, previousBackend: previousBackend)
            return (connection, try backend.rows.first?.decode(Int32.self) ?? 0)
        } catch {
            try? connection.close().wait()
            throw error
        }
    }

    /// Takes the advisory lock that keeps other parleyds off the database. A parleyd killed a moment ago may
    /// still hold it until PostgreSQL has seen its connection close, so a held lock is asked for again for up
    /// to `lockPatience` before the start is refused.
    ///
    /// This store's own last connection may hold it too: one that broke or stopped answering and was closed
    /// at this end, whose backend goes on with what it was sent (a `COMMIT`, say) and then ends, or never
    /// notices (a backend waiting on a lock, a network gone silent). Given the same patience, that backend,
    /// if it still holds the lock under this store's application name, is ended: its transaction is rolled
    /// back unless it has committed already, so what it did becomes known, and the store goes on instead of
    /// naming itself as the parleyd in the way.
    private func lock(on connection: PostgresConnection, previousBackend: Int32?) throws {
        var previousBackend = previousBackend
        var deadline = ContinuousClock.now + lockPatience
        while true {
            let result = try run(["SELECT pg_try_advisory_lock(\(Self.lockKey))"], on: connection)[0]
            if try result.rows.first?.decode(Bool.self) == true { return }
            if ContinuousClock.now >= deadline {
                guard let backend = previousBackend, try endBackend(backend, on: connection) else {
                    throw PostgresStoreFailure.inUse(location, holder: try? holderOfLock(on: connection))
                }
                logger.warning("the store's previous connection was still open in PostgreSQL; it was ended")
                previousBackend = nil
                deadline = ContinuousClock.now + lockPatience
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// The application name and address of the connection that holds the lock, for the message.
    private func holderOfLock(on connection: PostgresConnection) throws -> String? {
        let result = try run(
            [
                """
                SELECT a.application_name || COALESCE(' from ' || host(a.client_addr), '')
                FROM pg_locks AS l JOIN pg_stat_activity AS a ON a.pid = l.pid
                WHERE \(unescaped: Self.heldLock)
                """
            ], on: connection)[0]
        return try result.rows.first?.decode(String?.self)
    }

    /// Ends `backend` if it is this store's (it holds the lock under this connection's application name:
    /// a process id alone may have been given to another connection since), and says whether it did; the lock
    /// is free once that backend is gone.
    private func endBackend(_ backend: Int32, on connection: PostgresConnection) throws -> Bool {
        try !run(
            [
                """
                SELECT pg_terminate_backend(l.pid)
                FROM pg_locks AS l JOIN pg_stat_activity AS a ON a.pid = l.pid
                WHERE \(unescaped: Self.heldLock) AND l.pid = \(backend)
                    AND a.application_name = current_setting('application_name')
                """
            ], on: connection)[0].rows.isEmpty
    }

    /// The rows of `pg_locks` for the advisory lock that keeps the database for one parleyd, as held.
    private static let heldLock = """
        l.locktype = 'advisory' AND l.granted AND l.classid = 0
            AND l.objid::bigint = \(lockKey) AND l.objsubid = 1
            AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        """

    private var configuration: PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        switch location.endpoint {
        case .tcp(let host, let port):
            configuration = .init(
                host: host, port: port, username: location.username, password: location.password,
                database: location.database, tls: tls)
        case .unixSocket(let path):
            configuration = .init(
                unixSocketPath: path, username: location.username, password: location.password,
                database: location.database)
        }
        configuration.options.connectTimeout = timeout
        let host = ProcessInfo.processInfo.hostName
        configuration.options.additionalStartupParameters = [
            ("application_name", "parleyd (pid \(getpid()) on \(host))")
        ]
        return configuration
    }

    /// The TLS of libpq's `sslmode`: `prefer` and `require` encrypt without checking the certificate (but
    /// `require` with `sslrootcert` checks its authority, as libpq does), `verify-ca` checks the authority,
    /// `verify-full` the host name too. The authorities are `sslrootcert`'s, or the system's.
    private static func tls(for location: PostgresLocation) throws -> PostgresConnection.Configuration.TLS {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let file = location.rootCertificates {
            configuration.trustRoots = .file(file)
        }
        switch (location.tls, location.rootCertificates) {
        case (.disable, _):
            return .disable
        case (.prefer, _), (.require, nil):
            configuration.certificateVerification = .none
        case (.require, _), (.verifyCA, _):
            configuration.certificateVerification = .noHostnameVerification
        case (.verifyFull, _):
            configuration.certificateVerification = .fullVerification
        }
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            let file = location.rootCertificates ?? "the system's certificate authorities"
            let why = if case NIOSSLError.noSuchFilesystemObject = error { "there is no such file" } else { "\(error)" }
            throw PostgresStoreFailure.unreachable(location, reason: "\(file) cannot be used as sslrootcert: \(why)")
        }
        return location.tls == .prefer ? .prefer(context) : .require(context)
    }

    /// The value of setting `name` on the store's connection, for tests.
    func setting(_ name: String) throws -> String? {
        try transaction(["SELECT current_setting(\(name))"])[0].rows.first?.decode(String.self)
    }

    // MARK: Schema

    /// Applies the migrations not recorded yet, each in a transaction of its own with its record.
    private func migrate() throws {
        let applied = try transaction([
            PostgresQuery(unsafeSQL: PostgresSchema.bookkeeping), "SELECT name FROM parley_migrations",
        ])[1]
        let done = Set(try applied.rows.map { try $0.decode(String.self) })
        for migration in PostgresSchema.migrations where !done.contains(migration.name) {
            _ = try transaction(
                migration.statements.map { PostgresQuery(unsafeSQL: $0) }
                    + ["INSERT INTO parley_migrations (name) VALUES (\(migration.name))"])
            logger.notice("database schema migrated", metadata: ["migration": "\(migration.name)"])
        }
    }
}
