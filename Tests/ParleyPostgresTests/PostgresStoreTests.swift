import Foundation
import Logging
import NIOCore
import ParleyCore
import ParleyStore
import ParleyStoreContract
import ParleyTesting
import Testing

@testable import ParleyPostgres

/// The PostgreSQL store against a real server: the schema, every write and the snapshot the core starts from,
/// atomic batches, the one-server lock, a lost connection, and what an operator reads when it cannot work.
@Suite(.serialized, .enabled(if: PostgresForTests.isAvailable, "needs PARLEY_TEST_POSTGRES (.ci/postgres start)"))
struct PostgresStoreTests {
    private func account(_ name: String) -> StoreWrite { StoreContract.account(name) }

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
                    == [
                        "accounts", "blocks", "parley_last_batch", "parley_migrations", "resume_grants", "sessions",
                        "waiting_messages",
                    ])
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
            try StoreContract.everyWriteSurvivesReopening { try database.openStore() }
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
        try await withDatabase { database in
            try StoreContract.lastSeenIsTheLatestLogoutAndACrashesOpenSessionsCloseAtLoad { try database.openStore() }
        }
    }

    @Test func oldSessionsAreForgottenButEachUsersLastIsKept() async throws {
        try await withDatabase { database in
            try StoreContract.oldSessionsAreForgottenButEachUsersLastIsKept {
                try database.openStore()
            } sessions: {
                try database.execute("SELECT name, login_at FROM sessions ORDER BY id").map { row in
                    let (name, at) = try row.decode((String, Double).self)
                    return "\(name)@\(Int(at - instant(0).timeIntervalSince1970))"
                }
            }
        }
    }

    @Test func resumeGrantsRoundTripAndWhatACrashLeftOpenEndsAtTheRestart() async throws {
        try await withDatabase { database in
            try StoreContract.resumeGrantsRoundTripAndWhatACrashLeftOpenEndsAtTheRestart { try database.openStore() }
        }
    }

    @Test func writesAboutAMissingAccountChangeNothingAndFailNothing() async throws {
        try await withDatabase { database in
            try StoreContract.writesAboutAMissingAccountChangeNothingAndFailNothing { try database.openStore() }
        }
    }

    @Test func anOperatorsResetSetsThePasswordAndLiftsTheLock() async throws {
        try await withDatabase { database in
            try StoreContract.anOperatorsResetSetsThePasswordAndLiftsTheLock { try database.openStore() }
        }
    }

    // MARK: Atomic batches

    @Test func aBatchWithAFailingWriteLeavesNothingAppliedAndTheStoreGoesOn() async throws {
        try await withDatabase { database in
            try StoreContract.aBatchWithAFailingWriteLeavesNothingApplied {
                try database.openStore()
            } isExpected: {
                "\($0)".contains("SQLSTATE 23505")  // unique_violation, in the operator's words
            }
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

    // MARK: A connection that breaks during a batch

    @Test func aBatchWhoseAnswerWasLostAfterPostgreSQLCommittedItCountsAsDone() async throws {
        try await withDatabase { database in
            let proxy = try FaultyProxy(upstreamPort: database.port)
            defer { proxy.stop() }
            // Patience enough for the old connection's backend to finish what it was sent on a busy machine.
            let store = try database.openStore(lockPatience: .seconds(5), throughPort: proxy.port)
            defer { try? store.close() }
            try store.apply([account("alice")])
            proxy.arm(.cut, when: "COMMIT")
            try store.apply([account("bob")])  // PostgreSQL had the COMMIT; only its answer was lost
            #expect(proxy.hasFailed)
            #expect(try store.accountNames() == ["alice", "bob"])
        }
    }

    @Test func aBatchLostBeforeItsCommitFailsAndTheStoreEndsTheBackendThatHeldTheLock() async throws {
        try await withDatabase { database in
            let proxy = try FaultyProxy(upstreamPort: database.port)
            defer { proxy.stop() }
            let store = try database.openStore(timeout: .seconds(1), throughPort: proxy.port)
            defer { try? store.close() }
            try store.apply([account("alice")])
            proxy.arm(.freeze, when: "COMMIT")
            #expect { try store.apply([account("bob")]) } throws: { "\($0)".contains("did not answer within 1 s") }
            #expect(proxy.hasFailed)
            // The old connection's backend still held the database's lock (PostgreSQL never heard that the
            // connection was gone); the store ended it instead of taking itself for another parleyd.
            try store.apply([account("carol")])
            #expect(try store.accountNames() == ["alice", "carol"])
        }
    }

    // MARK: TLS

    @Test(.enabled(if: PostgresForTests.certificateAuthority != nil, "needs .ci/postgres's TLS (openssl)"))
    func theServersCertificateIsCheckedAsSslmodeAndSslrootcertSay() async throws {
        try await withDatabase { database in
            let authority = PostgresForTests.certificateAuthority!
            // The test server's certificate names localhost, signed by an authority of its own.
            func open(host: String, _ options: String) throws {
                let url = "postgres://parley@\(host):\(database.port)/\(database.location.database)?\(options)"
                let store = try PostgresStore(
                    location: try PostgresLocation(url: url), timeout: .seconds(10), logger: Logger(label: "test"))
                #expect(try store.setting("ssl") == "on")
                try store.close()
            }
            try open(host: "localhost", "sslmode=verify-full&sslrootcert=\(authority)")
            try open(host: "127.0.0.1", "sslmode=verify-ca&sslrootcert=\(authority)")  // the host is not checked
            try open(host: "127.0.0.1", "sslmode=require")  // nothing is checked
            try open(host: "127.0.0.1", "sslmode=require&sslrootcert=\(authority)")  // the authority is, as libpq
            let refusals = [
                ("127.0.0.1", "sslmode=verify-full&sslrootcert=\(authority)", "is not for the host in the URL"),
                ("localhost", "sslmode=verify-full", "is not signed by the system's authorities"),
                ("127.0.0.1", "sslmode=verify-ca", "is not signed by the system's authorities"),
                (
                    "localhost", "sslmode=verify-full&sslrootcert=/nonexistent/root.crt",
                    "/nonexistent/root.crt cannot be used as sslrootcert: there is no such file"
                ),
            ]
            for (host, options, words) in refusals {
                #expect("\(host) \(options)") { try open(host: host, options) } throws: { "\($0)".contains(words) }
            }
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
