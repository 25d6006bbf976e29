import Foundation
import ParleyCore
import Testing

@testable import ParleyPostgres

/// Reading `--database postgres://...` as libpq would, and batching writes into few statements: no server needed.
@Suite struct PostgresLocationTests {
    @Test func aFullURLIsRead() throws {
        let location = try PostgresLocation(
            url: "postgresql://chat%40ops:p%2Fss@db.example.org:6543/parley?sslmode=verify-full", environment: [:])
        #expect(location.endpoint == .tcp(host: "db.example.org", port: 6543))
        #expect(location.username == "chat@ops")
        #expect(location.password == "p/ss")
        #expect(location.database == "parley")
        #expect(location.tls == .verifyFull)
        #expect(location.description == "postgres://chat@ops@db.example.org:6543/parley")
    }

    @Test func theAuthoritiesToTrustAreReadFromSslrootcert() throws {
        let location = try PostgresLocation(
            url: "postgres://parley@db/chat?sslmode=verify-ca&sslrootcert=/etc/parley/root.crt", environment: [:])
        #expect(location.tls == .verifyCA && location.rootCertificates == "/etc/parley/root.crt")
        #expect(location.description == "postgres://parley@db:5432/chat")
        #expect(try PostgresLocation(url: "postgres://parley@db/chat", environment: [:]).rootCertificates == nil)
    }

    @Test func whatIsLeftOutTakesLibpqsDefaults() throws {
        let location = try PostgresLocation(url: "postgres://parley@localhost", environment: ["PGPASSWORD": "env"])
        #expect(location.endpoint == .tcp(host: "localhost", port: 5432))
        #expect(location.database == "parley")
        #expect(location.password == "env")
        #expect(location.tls == .prefer)
    }

    @Test func aUnixSocketDirectoryAndAnIPv6AddressAreUnderstood() throws {
        let socket = try PostgresLocation(url: "postgres://parley@/chat?host=/var/run/postgresql", environment: [:])
        #expect(socket.endpoint == .unixSocket(path: "/var/run/postgresql/.s.PGSQL.5432"))
        #expect(socket.tls == .disable)
        #expect(socket.description == "postgres://parley@/chat?host=/var/run/postgresql")
        let six = try PostgresLocation(url: "postgres://parley@[::1]:5433/chat", environment: [:])
        #expect(six.endpoint == .tcp(host: "::1", port: 5433))
        #expect(six.description == "postgres://parley@[::1]:5433/chat")
    }

    @Test func unusableURLsSayWhyWithoutShowingThePassword() {
        let cases = [
            ("postgres://localhost/chat", "it names no user"),
            (
                "postgres://parley:secret@db/chat?sslmode=maybe",
                "sslmode must be one of disable, prefer, require, verify-ca"
            ),
            ("postgres://parley:secret@db/chat?sslrootcert=", "sslrootcert names no file"),
            ("postgres://parley:secret@db/chat?connect_timeout=3", "an option parleyd does not know: connect_timeout"),
            ("postgres://parley:secret@/chat", "it names no host"),
        ]
        for (url, reason) in cases {
            #expect {
                _ = try PostgresLocation(url: url, environment: [:])
            } throws: { error in
                let text = "\(error)"
                return text.contains(reason) && !text.contains("secret")
                    && text.contains("is not a usable PostgreSQL URL")
            }
        }
        #expect(PostgresLocation.isURL("postgres://a@b") && PostgresLocation.isURL("postgresql://a@b"))
        #expect(!PostgresLocation.isURL("parley.db") && !PostgresLocation.isURL("/srv/postgres://x"))
    }

    // MARK: Batches

    @Test func runsOfCheapWritesShareAStatementAndOrderIsKept() {
        let at = Date(timeIntervalSince1970: 1_700_000_000)
        func message(_ id: Int64) -> StoreWrite {
            .enqueue(StoredMessage(id: id, sender: "a", recipient: "b", text: "t", sent: at))
        }
        let writes: [StoreWrite] = [
            .createAccount(name: "a", passwordHash: PasswordHash(encoded: "h"), at: at),
            .createAccount(name: "b", passwordHash: PasswordHash(encoded: "h"), at: at),
            message(1), message(2), message(3),
            .dequeue(ids: [1]), .dequeue(ids: [2, 3]),
            .recordLogin(name: "a", at: at), .recordLogin(name: "b", at: at),
            .recordLogout(name: "a", at: at),
            message(4),
            .block(blocker: "a", blocked: "b"),
        ]
        let statements = PostgresWriteBatch.statements(for: writes)
        let verbs = statements.map { $0.sql.split(separator: " ").prefix(2).joined(separator: " ") }
        #expect(
            verbs == [
                "INSERT INTO", "INSERT INTO", "INSERT INTO", "DELETE FROM", "INSERT INTO", "UPDATE sessions",
                "INSERT INTO", "INSERT INTO",
            ])
        #expect(statements.map(\.binds.count) == [3, 3, 5, 1, 2, 2, 5, 2])
        #expect(statements[2].sql.contains("waiting_messages") && statements[4].sql.contains("sessions"))
        #expect(PostgresWriteBatch.statements(for: (1...10_000).map { message(Int64($0)) }).count == 1)
    }
}
