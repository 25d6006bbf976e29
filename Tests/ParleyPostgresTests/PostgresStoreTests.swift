import Foundation
import Logging
import NIOCore
import ParleyCore
import ParleyStore
import ParleyTesting
import Testing

@testable import ParleyPostgres

/// The PostgreSQL store against a real server: the schema, every write and the snapshot the core starts from,
/// atomic batches, the one-server lock, a lost connection, and what an operator reads when it cannot work.
@Suite(.serialized, .enabled(if: PostgresForTests.isAvailable, "needs PARLEY_TEST_POSTGRES (.ci/postgres start)"))
struct PostgresStoreTests {
    private func hash(_ tag: String) -> PasswordHash {
        PasswordHash(encoded: "scrypt$1024$8$1$salt-\(tag)$hash-\(tag)")
    }

    private func account(_ name: String, at seconds: Int = 0) -> StoreWrite {
        .createAccount(name: name, passwordHash: hash(name), at: instant(seconds))
    }

    /// Runs `body` with a fresh database and a store open on it (on a thread of its own: the store's calls
    /// block); both go away afterwards.
    private func withStore(_ body: @escaping @Sendable (PostgresStore, PostgresTestDatabase) throws -> Void)
        async throws
    {
        try await onItsOwnThread {
            let database = try PostgresTestDatabase()
            defer { database.drop() }
            let store = try database.openStore()
            defer { try? store.close() }
            try body(store, database)
        }
    }

    /// Runs `body` with a fresh database, on a thread of its own.
    private func withDatabase(_ body: @escaping @Sendable (PostgresTestDatabase) throws -> Void) async throws {
        try await onItsOwnThread {
            let database = try PostgresTestDatabase()
            defer { database.drop() }
            try body(database)
        }
    }

    // MARK: Schema

    @Test func aFreshDatabaseGetsTheSchemaOnceAndKeepsItsData() async throws {
        try await withDatabase { database in
            let store = try database.openStore()
            #expect(try store.loadSnapshot(now: instant(0)).accounts.isEmpty)
            try store.apply([account("alice")])
            try store.close()

            let tables = try database.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name")
            #expect(
                try tables.map { try $0.decode(String.self) }
                    == ["accounts", "blocks", "parley_migrations", "resume_grants", "sessions", "waiting_messages"])
            let reopened = try database.openStore()
            defer { try? reopened.close() }
            #expect(try reopened.accountNames() == ["alice"])
            let migrations = try database.execute("SELECT count(*) FROM parley_migrations")
            #expect(try migrations.first?.decode(Int.self) == PostgresSchema.migrations.count)
        }
    }

    @Test func commitsWaitForTheServersDiskEvenWhereTheDatabaseSaysOtherwise() async throws {
        try await withDatabase { database in
            _ = try database.execute("ALTER DATABASE \(database.location.database) SET synchronous_commit = off")
            let store = try database.openStore()
            defer { try? store.close() }
            #expect(try store.setting("synchronous_commit") == "on")
        }
    }

    // MARK: Writes and the snapshot

    @Test func everyWriteSurvivesReopening() async throws {
        try await withDatabase { database in
            let message = StoredMessage(
                id: 9, sender: "alice", recipient: "bob", text: "later ✓ ünïcode", sent: instant(5))
            let first = try database.openStore()
            try first.apply([
                account("alice"), account("bob"), account("carol"),
                .setLockState(name: "bob", failedAttempts: 1, lockedUntil: nil),
                .setLockState(name: "carol", failedAttempts: 3, lockedUntil: instant(70)),
                .block(blocker: "bob", blocked: "alice"), .block(blocker: "bob", blocked: "alice"),
                .block(blocker: "alice", blocked: "carol"), .unblock(blocker: "alice", blocked: "carol"),
                .enqueue(message), .recordLogin(name: "alice", at: instant(1)),
                .recordLogout(name: "alice", at: instant(6)),
                .setPasswordHash(name: "alice", hash: hash("new"), previous: hash("alice")),
            ])
            try first.close()
            let store = try database.openStore()
            defer { try? store.close() }
            let snapshot = try store.loadSnapshot(now: instant(10))
            #expect(
                snapshot.account("alice")
                    == AccountRecord(name: "alice", passwordHash: hash("new"), lastSeen: instant(6)))
            #expect(snapshot.account("bob") == AccountRecord(name: "bob", passwordHash: hash("bob"), failedAttempts: 1))
            #expect(
                snapshot.account("carol")
                    == AccountRecord(
                        name: "carol", passwordHash: hash("carol"), failedAttempts: 3, lockedUntil: instant(70)))
            #expect(snapshot.blockPairs == ["bob>alice"])
            #expect(snapshot.waitingMessages == [message])
        }
    }

    @Test func waitingMessagesComeBackInIdOrderAndGoWhenDelivered() async throws {
        try await withStore { store, _ in
            try store.apply([account("alice"), account("bob")])
            // One batch of many, as a burst of offline messages is: one statement, nothing lost or reordered.
            let messages = (1...5_000).map { index in
                StoredMessage(
                    id: Int64(index), sender: "alice", recipient: "bob", text: "message \(index)",
                    sent: Date(timeIntervalSince1970: 1_700_000_000.25 + Double(index)))
            }
            try store.apply(messages.reversed().map(StoreWrite.enqueue))
            #expect(try store.loadSnapshot(now: instant(0)).waitingMessages == messages)
            try store.apply([.dequeue(ids: Array(1...2_000)), .dequeue(ids: [2_001, 4_999])])
            let left = try store.loadSnapshot(now: instant(0)).waitingMessages.map(\.id)
            #expect(left == Array(2_002...4_998) + [5_000])
        }
    }

    @Test func lastSeenIsTheLatestLogoutAndACrashesOpenSessionsCloseAtLoad() async throws {
        try await withStore { store, _ in
            try store.apply([
                account("alice"), account("bob"), account("carol"), account("dave"),
                .recordLogin(name: "alice", at: instant(10)), .recordLogout(name: "alice", at: instant(20)),
                .recordLogin(name: "alice", at: instant(30)), .recordLogout(name: "alice", at: instant(40)),
                .recordLogin(name: "bob", at: instant(15)), .recordLogout(name: "bob", at: instant(25)),
                .recordLogin(name: "dave", at: instant(50)),  // the server died with dave online
            ])
            let first = try store.loadSnapshot(now: instant(500))
            #expect(first.account("alice")?.lastSeen == instant(40))
            #expect(first.account("bob")?.lastSeen == instant(25))
            #expect(first.account("carol")?.lastSeen == nil)
            #expect(first.account("dave")?.lastSeen == instant(500))
            // Closed for good: a later load or logout does not move it.
            try store.apply([.recordLogout(name: "dave", at: instant(950))])
            #expect(try store.loadSnapshot(now: instant(999)).account("dave")?.lastSeen == instant(500))
        }
    }

    @Test func oldSessionsAreForgottenButEachUsersLastIsKept() async throws {
        try await withStore { store, database in
            try store.apply([
                account("alice"), account("bob"), account("carol"),
                .recordLogin(name: "alice", at: instant(10)), .recordLogout(name: "alice", at: instant(20)),
                .recordLogin(name: "alice", at: instant(30)), .recordLogout(name: "alice", at: instant(40)),
                .recordLogin(name: "alice", at: instant(500)), .recordLogout(name: "alice", at: instant(600)),
                .recordLogin(name: "bob", at: instant(15)), .recordLogout(name: "bob", at: instant(25)),
                .recordLogin(name: "carol", at: instant(5)), .recordLogout(name: "carol", at: instant(8)),
                .recordLogin(name: "carol", at: instant(9)),  // still logged in
            ])
            #expect(try store.forgetLoginHistory(endedBefore: instant(100), limit: 1) == 1)
            #expect(try store.forgetLoginHistory(endedBefore: instant(100), limit: 10) == 1)
            #expect(try store.forgetLoginHistory(endedBefore: instant(100), limit: 10) == 0)
            // Alice's last session ended after the cutoff; bob's and carol's last ended sessions stay although
            // they are older; carol's open one stays.
            let left = try database.execute("SELECT name, login_at FROM sessions ORDER BY id").map { row in
                let (name, at) = try row.decode((String, Double).self)
                return "\(name)@\(Int(at - instant(0).timeIntervalSince1970))"
            }
            #expect(left == ["alice@500", "bob@15", "carol@5", "carol@9"])
        }
    }

    @Test func resumeGrantsRoundTripAndWhatACrashLeftOpenEndsAtTheRestart() async throws {
        try await withStore { store, _ in
            try store.apply([
                account("alice"), account("bob"), account("carol"),
                .setResumeGrant(name: "alice", grant: ResumeGrant(tokenDigest: "d-alice")),  // open: crashed
                .setResumeGrant(name: "bob", grant: ResumeGrant(tokenDigest: "d-bob-1")),
                .setResumeGrant(name: "bob", grant: ResumeGrant(tokenDigest: "d-bob-2", endedAt: instant(7))),
                .setResumeGrant(name: "carol", grant: ResumeGrant(tokenDigest: "d-carol")),
                .setResumeGrant(name: "carol", grant: nil),
            ])
            let snapshot = try store.loadSnapshot(now: instant(50))
            #expect(snapshot.account("alice")?.resume == ResumeGrant(tokenDigest: "d-alice", endedAt: instant(50)))
            #expect(snapshot.account("bob")?.resume == ResumeGrant(tokenDigest: "d-bob-2", endedAt: instant(7)))
            #expect(snapshot.account("carol")?.resume == nil)
            #expect(try store.resetPassword(of: "bob", to: hash("bob-2")))
            #expect(try store.loadSnapshot(now: instant(60)).account("bob")?.resume == nil)
        }
    }

    @Test func anOperatorsResetSetsThePasswordAndLiftsTheLock() async throws {
        try await withStore { store, _ in
            try store.apply([
                account("alice"), .setLockState(name: "alice", failedAttempts: 3, lockedUntil: instant(99)),
            ])
            #expect(try store.resetPassword(of: "alice", to: hash("reset")))
            #expect(try !store.resetPassword(of: "nobody", to: hash("reset")))
            #expect(
                try store.loadSnapshot(now: instant(0)).account("alice")
                    == AccountRecord(name: "alice", passwordHash: hash("reset")))
        }
    }

    // MARK: Atomic batches

    @Test func aBatchWithAFailingWriteLeavesNothingAppliedAndTheStoreGoesOn() async throws {
        try await withStore { store, _ in
            try store.apply([account("alice"), account("bob")])
            let message = StoredMessage(id: 1, sender: "alice", recipient: "bob", text: "hi", sent: instant(1))
            #expect {
                try store.apply([
                    account("carol"), .block(blocker: "alice", blocked: "bob"), .enqueue(message),
                    .setLockState(name: "bob", failedAttempts: 2, lockedUntil: nil),
                    .recordLogin(name: "alice", at: instant(2)),
                    account("alice"),  // already exists
                ])
            } throws: { error in
                "\(error)".contains("SQLSTATE 23505")  // unique_violation, in the operator's words
            }
            let snapshot = try store.loadSnapshot(now: instant(3))
            #expect(snapshot.accounts.map(\.name).sorted() == ["alice", "bob"])
            #expect(snapshot.blocks.isEmpty)
            #expect(snapshot.waitingMessages.isEmpty)
            #expect(snapshot.account("bob")?.failedAttempts == 0)
            #expect(snapshot.account("alice")?.lastSeen == nil)
            try store.apply([account("carol"), .enqueue(message)])
            #expect(try store.accountNames() == ["alice", "bob", "carol"])
            // A message id used twice fails its batch too.
            #expect(throws: PostgresStoreFailure.self) { try store.apply([.enqueue(message)]) }
        }
    }

    // MARK: One server per database

    @Test func aSecondServerIsRefusedNamingTheFirstUntilItStops() async throws {
        try await withDatabase { database in
            let first = try database.openStore()
            #expect {
                _ = try database.openStore()
            } throws: { error in
                let text = "\(error)"
                return text.contains("is in use by another parleyd (parleyd (pid \(getpid())")
                    && text.contains(database.location.database) && text.contains("stop that one first")
            }
            try first.close()
            let second = try database.openStore()
            try second.close()
        }
    }

    @Test func aLostConnectionIsMadeAgainAndTheDatabaseLockedAgain() async throws {
        try await withStore { store, database in
            try store.apply([account("alice")])
            #expect(try database.endParleydConnections() == 1)
            // The store has not noticed yet; its next call finds the connection closed and makes another
            // (a batch under way when the connection broke would fail instead: its outcome is unknown).
            try store.apply([account("bob")])
            #expect(try store.accountNames() == ["alice", "bob"])
            #expect { _ = try database.openStore() } throws: { "\($0)".contains("in use by another parleyd") }
        }
    }

    // MARK: What an operator reads

    @Test func aServerThatIsNotThereIsNamedWithoutThePassword() async throws {
        try await onItsOwnThread {
            var location = try PostgresLocation(url: "postgres://parley:secret@127.0.0.1:1/parley")
            location.tls = .disable
            #expect {
                _ = try PostgresStore(location: location, timeout: .seconds(5), logger: Logger(label: "test"))
            } throws: { error in
                let text = "\(error)"
                return text.hasPrefix("cannot connect to PostgreSQL at postgres://parley@127.0.0.1:1/parley: ")
                    && text.contains("refused") && !text.contains("secret")
            }
        }
    }

    @Test func aDatabaseThatDoesNotExistIsNamedWithPostgreSQLsWords() async throws {
        try await onItsOwnThread {
            var location = try PostgresLocation(url: PostgresForTests.url!)
            location.database = "parley_no_such_database"
            #expect {
                _ = try PostgresStore(location: location, timeout: .seconds(5), logger: Logger(label: "test"))
            } throws: { error in
                "\(error)".contains("refused: database \"parley_no_such_database\" does not exist (SQLSTATE 3D000)")
            }
        }
    }

    @Test func aServerThatNeverAnswersIsGivenUp() async throws {
        try await onItsOwnThread {
            let silent = try SilentListener()
            let location = try PostgresLocation(
                url: "postgres://parley@127.0.0.1:\(silent.port)/parley?sslmode=disable")
            // Long enough for the TCP handshake (which the kernel completes for the listener) on a busy machine.
            #expect {
                _ = try PostgresStore(location: location, timeout: .seconds(2), logger: Logger(label: "test"))
            } throws: { error in
                "\(error)".contains("did not answer within 2 s")
            }
            withExtendedLifetime(silent) {}
        }
    }
}

/// Whole seconds after a fixed instant, so dates survive the store's seconds-since-1970 columns exactly.
func instant(_ seconds: Int) -> Date {
    Date(timeIntervalSince1970: 1_700_000_000 + TimeInterval(seconds))
}

extension CoreSnapshot {
    func account(_ name: String) -> AccountRecord? { accounts.first { $0.name == name } }
    var blockPairs: [String] { blocks.map { "\($0.blocker)>\($0.blocked)" }.sorted() }
}
