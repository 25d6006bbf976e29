import Foundation
import GRDB
import ParleyCore
import ParleyStoreContract
import Testing

@testable import ParleyStore

/// The SQLite store: schema migrations, every write, the snapshot the core starts from, atomic batches.
@Suite struct SQLiteStoreTests {
    private func hash(_ tag: String) -> PasswordHash { StoreContract.hash(tag) }
    private func account(_ name: String, at seconds: Int = 0) -> StoreWrite { StoreContract.account(name, at: seconds) }

    // MARK: Schema

    @Test func aFreshFileGetsTheSchema() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("parley.db")
        #expect(!FileManager.default.fileExists(atPath: path))
        _ = try SQLiteStore(path: path)
        #expect(FileManager.default.fileExists(atPath: path))

        let database = try DatabaseQueue(path: path)
        let columns = try database.read { db in
            try ["accounts", "blocks", "waiting_messages", "sessions"].map { table in
                try Set(db.columns(in: table).map(\.name))
            }
        }
        #expect(columns[0] == ["name", "password_hash", "failed_attempts", "locked_until", "created_at"])
        #expect(columns[1] == ["blocker", "blocked"])
        #expect(columns[2] == ["id", "sender", "recipient", "text", "sent_at"])
        #expect(columns[3] == ["id", "name", "login_at", "logout_at"])
        let journalMode = try database.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(journalMode == "wal")
        #expect(try migrationCount(database) == StoreMigrations.migrator.migrations.count)
    }

    @Test func commitsAreWrittenThroughToTheDisk() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.path("parley.db"))
        #expect(try store.setting("journal_mode") == "wal")
        #expect(try store.setting("synchronous") == "2")  // FULL: a commit survives a power cut too.
    }

    @Test func aNewDatabaseIsReadableByItsOwnerOnlyAndAnOldOneKeepsItsMode() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("parley.db")
        let store = try SQLiteStore(path: path)
        try store.apply([account("alice")])
        for file in [path, path + "-wal", path + "-shm"] {
            #expect(try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int == 0o600)
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: path)
        _ = try SQLiteStore(path: path)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o640)
    }

    private func migrationCount(_ database: DatabaseQueue) throws -> Int? {
        try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM grdb_migrations") }
    }

    @Test func aFreshStoreIsEmpty() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.path("parley.db"))
        let snapshot = try store.loadSnapshot(now: instant(0))
        #expect(snapshot.accounts.isEmpty)
        #expect(snapshot.blocks.isEmpty)
        #expect(snapshot.waitingMessages.isEmpty)
        #expect(try store.accountNames().isEmpty)
    }

    @Test func reopeningMigratesNothingAndKeepsTheData() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("parley.db")
        do {
            let store = try SQLiteStore(path: path)
            try store.apply([account("alice")])
        }
        for _ in 1...2 {
            let store = try SQLiteStore(path: path)
            #expect(try store.accountNames() == ["alice"])
        }
        let database = try DatabaseQueue(path: path)
        #expect(try migrationCount(database) == StoreMigrations.migrator.migrations.count)
    }

    @Test func twoStoresOnOneFileSeeEachOthersCommits() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("parley.db")
        let writer = try SQLiteStore(path: path)
        try writer.apply([account("alice")])
        let reader = try SQLiteStore(path: path)
        #expect(try reader.accountNames() == ["alice"])
    }

    // MARK: The login history

    /// The history grows by a row per login, so each statement that reads it goes through an index.
    @Test func theLoginHistoryIsReadThroughItsIndexes() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("parley.db")
        _ = try SQLiteStore(path: path)
        let database = try DatabaseQueue(path: path)
        func plan(_ sql: String, _ arguments: StatementArguments) throws -> String {
            try database.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments)
                    .map { $0["detail"] as String }.joined(separator: "; ")
            }
        }
        let logout = try plan(SQLiteStore.closeSession, [1.0, "alice"])
        #expect(logout.hasPrefix("SEARCH sessions USING"), "\(logout)")
        let start = try plan(SQLiteStore.closeOpenSessions, [1.0])
        // The open sessions are found through an index (v3's or the partial one), not by reading the history.
        #expect(start.contains("sessions USING INDEX sessions_"), "\(start)")
        let lastSeen = try plan(SQLiteStore.accountsWithLastSeen, [])
        #expect(lastSeen.contains("SEARCH sessions USING COVERING INDEX sessions_on_name_logout_at"), "\(lastSeen)")
        #expect(!lastSeen.contains("SCAN sessions"), "\(lastSeen)")
        let forget = try plan(SQLiteStore.forgetSessions, [1.0, 10])
        #expect(forget.contains("SEARCH old USING INDEX sessions_on_logout_at"), "\(forget)")
        #expect(!forget.contains("SCAN"), "\(forget)")
    }

    @Test func oldSessionsAreForgottenButEachUsersLastIsKept() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("parley.db")
        try StoreContract.oldSessionsAreForgottenButEachUsersLastIsKept {
            try SQLiteStore(path: path)
        } sessions: {
            try DatabaseQueue(path: path).read { db in
                try Row.fetchAll(db, sql: "SELECT name, login_at FROM sessions ORDER BY id").map { row in
                    "\(row["name"] as String)@\(Int((row["login_at"] as Double) - instant(0).timeIntervalSince1970))"
                }
            }
        }
    }

    @Test func aFileFromBeforeTheIndexesGainsThemAndKeepsItsHistory() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("parley.db")
        do {
            let old = try DatabaseQueue(path: path)
            try StoreMigrations.migrator.migrate(old, upTo: "v1: accounts, blocks, waiting messages, sessions")
            try old.write { db in
                try db.execute(
                    sql: "INSERT INTO accounts (name, password_hash, failed_attempts, created_at) VALUES (?, ?, 0, 0)",
                    arguments: ["alice", hash("alice").encoded])
                try db.execute(
                    sql: "INSERT INTO accounts (name, password_hash, failed_attempts, created_at) VALUES (?, ?, 0, 0)",
                    arguments: ["bob", hash("bob").encoded])
                for (name, login, logout) in [("alice", 10.0, 20.0), ("alice", 30, 40), ("bob", 5, 45)] {
                    try db.execute(
                        sql: "INSERT INTO sessions (name, login_at, logout_at) VALUES (?, ?, ?)",
                        arguments: [
                            name, instant(Int(login)).timeIntervalSince1970,
                            instant(Int(logout)).timeIntervalSince1970,
                        ])
                }
                // Killed while alice was logged in a third time.
                try db.execute(
                    sql: "INSERT INTO sessions (name, login_at) VALUES (?, ?)",
                    arguments: ["alice", instant(50).timeIntervalSince1970])
            }
            try old.close()
        }
        let store = try SQLiteStore(path: path)
        let snapshot = try store.loadSnapshot(now: instant(100))
        #expect(snapshot.account("alice")?.lastSeen == instant(100))
        #expect(snapshot.account("bob")?.lastSeen == instant(45))

        let database = try DatabaseQueue(path: path)
        let (indexes, sessions) = try database.read { db in
            (
                Set(try db.indexes(on: "sessions").map(\.name)),
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sessions")
            )
        }
        #expect(indexes == ["sessions_on_name_logout_at", "sessions_open", "sessions_on_logout_at"])
        #expect(sessions == 4)
        #expect(try migrationCount(database) == StoreMigrations.migrator.migrations.count)
    }

    // MARK: Writes and the snapshot

    @Test func accountsRoundTrip() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.path("parley.db"))
        try store.apply([account("alice"), account("bob")])
        let snapshot = try store.loadSnapshot(now: instant(100))
        #expect(snapshot.accounts.map(\.name).sorted() == ["alice", "bob"])
        #expect(snapshot.account("alice") == AccountRecord(name: "alice", passwordHash: hash("alice")))
        #expect(try store.accountNames() == ["alice", "bob"])
    }

    @Test func lockStateRoundTrips() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.path("parley.db"))
        try store.apply([account("alice"), .setLockState(name: "alice", failedAttempts: 2, lockedUntil: nil)])
        #expect(try store.loadSnapshot(now: instant(1)).account("alice")?.failedAttempts == 2)

        try store.apply([.setLockState(name: "alice", failedAttempts: 0, lockedUntil: instant(60))])
        let locked = try #require(try store.loadSnapshot(now: instant(2)).account("alice"))
        #expect(locked.failedAttempts == 0)
        #expect(locked.lockedUntil == instant(60))

        try store.apply([.setLockState(name: "alice", failedAttempts: 0, lockedUntil: nil)])
        let unlocked = try #require(try store.loadSnapshot(now: instant(3)).account("alice"))
        #expect(unlocked.lockedUntil == nil)
        #expect(unlocked.failedAttempts == 0)
    }

    @Test func aNewPasswordHashReplacesTheOldOneAndSurvivesReopening() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("parley.db")
        try SQLiteStore(path: path).apply([
            account("alice"), account("bob"),
            .setPasswordHash(name: "alice", hash: hash("alice-2"), previous: hash("alice")),
        ])
        let snapshot = try SQLiteStore(path: path).loadSnapshot(now: instant(5))
        #expect(snapshot.account("alice")?.passwordHash == hash("alice-2"))
        #expect(snapshot.account("bob")?.passwordHash == hash("bob"))
    }

    @Test func anOperatorsResetSetsThePasswordAndLiftsTheLock() throws {
        let directory = try TemporaryDirectory()
        try StoreContract.anOperatorsResetSetsThePasswordAndLiftsTheLock {
            try SQLiteStore(path: directory.path("parley.db"))
        }
    }

    @Test func resumeGrantsRoundTripAndWhatACrashLeftOpenEndsAtTheRestart() throws {
        let directory = try TemporaryDirectory()
        try StoreContract.resumeGrantsRoundTripAndWhatACrashLeftOpenEndsAtTheRestart {
            try SQLiteStore(path: directory.path("parley.db"))
        }
    }

    @Test func writesAboutAMissingAccountChangeNothingAndFailNothing() throws {
        let directory = try TemporaryDirectory()
        try StoreContract.writesAboutAMissingAccountChangeNothingAndFailNothing {
            try SQLiteStore(path: directory.path("parley.db"))
        }
    }

    /// A mistyped --database naming another program's SQLite file: refused, and nothing written to it (no
    /// Parley tables, not even WAL mode); an empty SQLite file is still taken, as a fresh database.
    @Test func anotherProgramsDatabaseIsRefusedAndLeftUntouched() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("other.db")
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: "CREATE TABLE inventory (item TEXT); CREATE TABLE orders (id INTEGER)")
        }
        #expect {
            try SQLiteStore(path: path)
        } throws: { error in
            "\(error)"
                == "the database \(path) belongs to another program (it has tables of its own, such as inventory, "
                + "orders, and none of Parley's); it was left untouched: give --database a new file or a Parley database"
        }
        let (mode, hasItsTable, hasOurs) = try DatabaseQueue(path: path).read { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode"), try db.tableExists("inventory"),
                try db.tableExists("accounts")
            )
        }
        #expect(mode == "delete" && hasItsTable && !hasOurs)
        let empty = directory.path("empty.db")
        try DatabaseQueue(path: empty).close()
        try SQLiteStore(path: empty).close()
    }

    @Test func locksSurviveReopening() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("parley.db")
        try SQLiteStore(path: path).apply([
            account("alice"), .setLockState(name: "alice", failedAttempts: 0, lockedUntil: instant(60)),
        ])
        #expect(try SQLiteStore(path: path).loadSnapshot(now: instant(5)).account("alice")?.lockedUntil == instant(60))
    }

    @Test func blocksRoundTrip() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.path("parley.db"))
        try store.apply([
            account("alice"), account("bob"), account("carol"),
            .block(blocker: "alice", blocked: "bob"), .block(blocker: "alice", blocked: "carol"),
            .block(blocker: "bob", blocked: "alice"),
            // Blocking twice is harmless.
            .block(blocker: "alice", blocked: "bob"),
        ])
        #expect(try store.loadSnapshot(now: instant(1)).blockPairs == ["alice>bob", "alice>carol", "bob>alice"])

        try store.apply([.unblock(blocker: "alice", blocked: "bob"), .unblock(blocker: "carol", blocked: "alice")])
        #expect(try store.loadSnapshot(now: instant(2)).blockPairs == ["alice>carol", "bob>alice"])
    }

    @Test func waitingMessagesRoundTripInIdOrder() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.path("parley.db"))
        let messages = [
            StoredMessage(id: 3, sender: "alice", recipient: "bob", text: "third", sent: instant(30)),
            StoredMessage(id: 1, sender: "carol", recipient: "bob", text: "first, with ünïcödé 🎉", sent: instant(10)),
            StoredMessage(id: 2, sender: "alice", recipient: "dave", text: "second", sent: instant(20)),
        ]
        try store.apply([account("alice"), account("bob")] + messages.map { .enqueue($0) })
        let snapshot = try store.loadSnapshot(now: instant(40))
        #expect(snapshot.waitingMessages == messages.sorted { $0.id < $1.id })

        try store.apply([.dequeue(ids: [1, 3])])
        #expect(try store.loadSnapshot(now: instant(41)).waitingMessages == [messages[2]])
        // Dequeuing what is gone already is harmless.
        try store.apply([.dequeue(ids: [1, 2])])
        #expect(try store.loadSnapshot(now: instant(42)).waitingMessages.isEmpty)
    }

    @Test func datesKeepSubsecondPrecisionCloseEnough() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.path("parley.db"))
        let sent = Date(timeIntervalSince1970: 1_700_000_000.123_456)
        try store.apply([.enqueue(StoredMessage(id: 1, sender: "a", recipient: "b", text: "t", sent: sent))])
        let loaded = try #require(try store.loadSnapshot(now: instant(0)).waitingMessages.first)
        #expect(abs(loaded.sent.timeIntervalSince(sent)) < 0.000_01)
    }

    @Test func lastSeenIsTheLatestLogoutAndACrashesOpenSessionsCloseAtLoad() throws {
        let directory = try TemporaryDirectory()
        try StoreContract.lastSeenIsTheLatestLogoutAndACrashesOpenSessionsCloseAtLoad {
            try SQLiteStore(path: directory.path("parley.db"))
        }
    }

    @Test func everyWriteSurvivesReopening() throws {
        let directory = try TemporaryDirectory()
        try StoreContract.everyWriteSurvivesReopening { try SQLiteStore(path: directory.path("parley.db")) }
    }

    // MARK: Atomic batches

    @Test func aBatchWithAFailingWriteLeavesNothingApplied() throws {
        let directory = try TemporaryDirectory()
        try StoreContract.aBatchWithAFailingWriteLeavesNothingApplied {
            try SQLiteStore(path: directory.path("parley.db"))
        }
    }

    @Test func aDuplicateMessageIdFailsTheBatch() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.path("parley.db"))
        let message = StoredMessage(id: 1, sender: "alice", recipient: "bob", text: "hi", sent: instant(1))
        try store.apply([.enqueue(message)])
        #expect(throws: (any Error).self) { try store.apply([account("dave"), .enqueue(message)]) }
        #expect(try store.accountNames().isEmpty)
    }

    @Test func anEmptyBatchIsFine() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.path("parley.db"))
        try store.apply([])
        #expect(try store.accountNames().isEmpty)
    }

    @Test func aStoreCannotBeOpenedWhereNoFileCanBe() throws {
        let directory = try TemporaryDirectory()
        #expect(throws: (any Error).self) { try SQLiteStore(path: directory.path("missing/dir/parley.db")) }
    }
}

@Suite struct StoreFailureCauseTests {
    @Test func sqliteResultCodesAreNamedForTheOperator() {
        #expect(StoreFailureCause(DatabaseError(resultCode: .SQLITE_FULL)) == .diskFull)
        #expect(StoreFailureCause(DatabaseError(resultCode: .SQLITE_IOERR_WRITE)) == .ioError)
        #expect(StoreFailureCause(DatabaseError(resultCode: .SQLITE_READONLY_DBMOVED)) == .readOnly)
        #expect(StoreFailureCause(DatabaseError(resultCode: .SQLITE_NOTADB)) == .damaged)
        #expect(StoreFailureCause(DatabaseError(resultCode: .SQLITE_CONSTRAINT)) == .unknown)
        struct Elsewhere: Error {}
        #expect(StoreFailureCause(Elsewhere()) == .unknown)
        #expect(StoreFailureCause.diskFull.hint == "the disk is full")
    }
}

@Suite struct DatabaseUnusableTests {
    @Test func whatSQLiteRefusesIsWordedWithThePath() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("parley.db")
        try Data("not a database, but long enough to be read as one's header".utf8).write(
            to: URL(fileURLWithPath: path))
        #expect {
            try DatabaseUnusable.checking(path) { try SQLiteStore(path: path) }
        } throws: { error in
            guard let error = error as? DatabaseUnusable else { return false }
            return error.cause == .damaged && error.sqlite == "SQLite error 26: file is not a database"
                && error.description.hasPrefix("the database \(path) is damaged or is not a Parley database")
        }
        #expect {
            try DatabaseUnusable.checking(directory.path("")) { try SQLiteStore(path: directory.path("")) }
        } throws: { error in (error as? DatabaseUnusable)?.cause == .cannotOpen }
    }

    @Test func otherErrorsPassUnchanged() {
        struct Elsewhere: Error, Equatable {}
        #expect(throws: Elsewhere()) { try DatabaseUnusable.checking("parley.db") { throw Elsewhere() } }
        #expect(StoreFailureCause(DatabaseError(resultCode: .SQLITE_CANTOPEN)) == .cannotOpen)
    }
}
