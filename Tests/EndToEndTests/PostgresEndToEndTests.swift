import Foundation
import ParleyProcess
import ParleyProtocol
import ParleyTesting
import Testing

/// The shipped `parleyd` on a PostgreSQL database (`--database postgres://...`): what it acknowledged survives
/// SIGKILL, one server per database, an operator's password reset, and the words for what cannot work.
@Suite(.serialized, .enabled(if: PostgresForTests.isAvailable, "needs PARLEY_TEST_POSTGRES (.ci/postgres start)"))
struct PostgresEndToEndTests {
    private func start(_ database: PostgresTestDatabase, directory: URL? = nil) throws -> ServerBinary {
        try ServerBinary(directory: directory, extraArguments: ["--insecure-plaintext"], database: database.url)
    }

    @Test func anAcknowledgedOfflineMessageAndABlockSurviveKillDashNine() async throws {
        try await onItsOwnThread {
            let database = try PostgresTestDatabase()
            defer { database.drop() }
            var server = try start(database)
            do {
                let bob = try LineSocket.loggedIn("bob", port: server.port)
                _ = try LineSocket.loggedIn("mallory", port: server.port)
                #expect(try bob.request(.block(user: "mallory")).ok)
                #expect(try bob.request(.logout).ok)
                let alice = try LineSocket.loggedIn("alice", port: server.port)
                let reply = try alice.request(.message(to: "bob", text: "survive this, in PostgreSQL"))
                #expect(reply.ok && reply.stored == true)
                // The database server ends parleyd's connection (a restart of PostgreSQL, a failover): the
                // next write makes a new one, takes the lock again, and is stored.
                #expect(try database.endParleydConnections() == 1)
                let again = try alice.request(.message(to: "bob", text: "and this, after a lost connection"))
                #expect(again.ok && again.stored == true)
            }
            server.child.signal(SIGKILL)
            _ = try server.child.waitForExit()

            // The killed server's connection still holds the database for a moment; the new one waits for it.
            server = try start(database)
            do {
                let bob = try LineSocket(port: server.port)
                #expect(try bob.request(.hello(version: 1, client: "e2e")).ok)
                var events: [ServerEvent] = []
                #expect(try bob.request(.login(username: "bob", password: "pw"), events: &events).waiting == 2)
                var texts: [String] = []
                for _ in 0..<2 {
                    let message = try bob.nextEvent()
                    guard case .message(let delivered) = message, delivered.from == "alice" else {
                        Issue.record("expected a waiting message from alice, got \(message)")
                        return
                    }
                    texts.append(delivered.text)
                }
                #expect(texts == ["survive this, in PostgreSQL", "and this, after a lost connection"])
                #expect(try bob.request(.blocked).ok)  // the list itself is checked below, in the database
                #expect(try bob.request(.logout).ok)
            }
            server.child.signal(SIGTERM)
            #expect(try server.child.waitForExit() == 0)
            let log = try server.log()
            #expect(log.contains("database=\(database.url)"))
            let blocks = try database.execute("SELECT blocker || '>' || blocked FROM blocks").map {
                try $0.decode(String.self)
            }
            #expect(blocks == ["bob>mallory"])
            let waiting = try database.execute("SELECT count(*) FROM waiting_messages")
            #expect(try waiting.first?.decode(Int.self) == 0)  // delivered once
        }
    }

    @Test func oneServerPerDatabaseAndTheOperatorsResetWaitsForItToStop() async throws {
        try await onItsOwnThread {
            let database = try PostgresTestDatabase()
            defer { database.drop() }
            let server = try start(database)
            #expect(try LineSocket.loggedIn("alice", port: server.port, password: "forgotten").request(.logout).ok)

            let second = try Child.run(
                Binaries.parleyd, ["0", "--insecure-plaintext", "--password-cost", "10", "--database", database.url])
            #expect(second.status == 1)
            #expect(
                second.errors.hasPrefix("parleyd: cannot start: the database \(database.url) is in use by another "))
            #expect(second.errors.contains("(parleyd (pid \(server.child.pid) on "))

            let reset = ["--database", database.url, "--password-cost", "10", "--reset-password", "alice"]
            let refused = try Child.run(Binaries.parleyd, reset, input: "n3w-pw\n")
            #expect(refused.status == 1)
            #expect(refused.errors.contains("cannot reset the password: the database \(database.url) is in use"))
            try server.stop()

            let done = try Child.run(Binaries.parleyd, reset, input: "n3w-pw\n")
            #expect(done.status == 0)
            #expect(done.output == "The password of alice has been reset, and any lock on the account lifted.\n")
            let restarted = try start(database)
            let alice = try LineSocket(port: restarted.port)
            #expect(try alice.request(.hello(version: 1, client: "e2e")).ok)
            #expect(try alice.request(.login(username: "alice", password: "forgotten")).error?.code == .wrongPassword)
            #expect(try alice.request(.login(username: "alice", password: "n3w-pw")).ok)
            try restarted.stop()
        }
    }

    @Test func thePrototypesCredentialsAreImportedHashedIntoPostgreSQL() async throws {
        try await onItsOwnThread {
            let database = try PostgresTestDatabase()
            defer { database.drop() }
            let directory = TestDirectory.fresh()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let credentials = directory.appendingPathComponent("credentials.txt")
            try "hans falcon*solo\nyoda wise@!man\n".write(to: credentials, atomically: true, encoding: .utf8)
            let server = try ServerBinary(
                directory: directory,
                extraArguments: ["--insecure-plaintext", "--credentials", credentials.path, "--no-registration"],
                database: database.url)
            let hans = try LineSocket(port: server.port)
            #expect(try hans.request(.hello(version: 1, client: "e2e")).ok)
            #expect(try hans.request(.login(username: "hans", password: "falcon*solo")).ok)
            try server.stop()
            let hashes = try database.execute("SELECT password_hash FROM accounts ORDER BY name").map {
                try $0.decode(String.self)
            }
            #expect(hashes.count == 2)
            #expect(hashes.allSatisfy { $0.hasPrefix("scrypt$") && !$0.contains("falcon") && !$0.contains("wise@") })
        }
    }

    @Test func whatCannotWorkIsSaidWithoutThePassword() async throws {
        try await onItsOwnThread {
            let port = try ServerBinary.unusedPort()
            let unreachable = try Child.run(
                Binaries.parleyd,
                [
                    "0", "--insecure-plaintext", "--database",
                    "postgres://parley:s3cret@127.0.0.1:\(port)/chat?sslmode=disable",
                ])
            #expect(unreachable.status == 1)
            #expect(
                unreachable.errors.hasPrefix(
                    "parleyd: cannot start: cannot connect to PostgreSQL at postgres://parley@127.0.0.1:\(port)/chat: ")
            )
            #expect(unreachable.errors.contains(": Connection refused; is the server running and the URL right?"))
            #expect(!unreachable.errors.contains("s3cret"))

            let backup = try Child.run(
                Binaries.parleyd,
                ["--database", "postgres://parley@127.0.0.1/chat", "--backup", "/tmp/never-written.db"])
            #expect(backup.status != 0)
            #expect(backup.errors.contains("back up a PostgreSQL database with pg_dump"))

            let malformed = try Child.run(
                Binaries.parleyd, ["--database", "postgres://parley:s3cret@db/chat?sslmode=perhaps"])
            #expect(malformed.status != 0)
            #expect(
                malformed.errors.contains("sslmode must be one of disable, prefer, require, verify-ca, verify-full"))
            #expect(!malformed.errors.contains("s3cret"))
        }
    }
}
