import Foundation
import Logging
import NIOCore
import NIOPosix
import ParleyPostgres
import PostgresNIO

/// The PostgreSQL server the tests use, from `PARLEY_TEST_POSTGRES` (`.ci/run` starts one with `.ci/postgres`);
/// the tests that need one are skipped without it. Its user must be allowed to create databases.
public enum PostgresForTests {
    public static let url = ProcessInfo.processInfo.environment["PARLEY_TEST_POSTGRES"]
    public static var isAvailable: Bool { url != nil }
    /// The authority that signed the test server's TLS certificate (made for `localhost`), when it speaks TLS.
    public static let certificateAuthority = ProcessInfo.processInfo.environment["PARLEY_TEST_POSTGRES_CA"]
}

/// A database of its own for one test, made on the test server and dropped (with any connection still on it)
/// by `drop()`.
public final class PostgresTestDatabase: Sendable {
    public let location: PostgresLocation
    private let admin: PostgresLocation
    private let name: String

    public init() throws {
        admin = try PostgresLocation(url: PostgresForTests.url!)
        name = "parley_test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
        var location = admin
        location.database = name
        self.location = location
        try Self.execute("CREATE DATABASE \(name)", at: admin)
    }

    public func drop() {
        _ = try? Self.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", at: admin)
    }

    /// Runs `sql` (trusted text of the test's own) in the test database, as another client would.
    public func execute(_ sql: String) throws -> [PostgresRow] {
        try Self.execute(sql, at: location)
    }

    /// Ends every parleyd connection to this database, as a restart of PostgreSQL would, and waits (bounded) until
    /// PostgreSQL has let them go; returns how many there were.
    @discardableResult
    public func endParleydConnections() throws -> Int {
        let parleyds = "datname = current_database() AND application_name LIKE 'parleyd%'"
        let ended = try execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE \(parleyds)").count
        let deadline = Date().addingTimeInterval(10)
        while !(try execute("SELECT 1 FROM pg_stat_activity WHERE \(parleyds)").isEmpty), Date() < deadline {
            Thread.sleep(forTimeInterval: 0.01)
        }
        return ended
    }

    /// The URL parleyd is given for this database.
    public var url: String { location.description }

    /// Opens the store on this database, with a short timeout so a failing test fails quickly; through a relay
    /// on 127.0.0.1:`port` if one is given (without TLS, so the relay sees the statements).
    public func openStore(
        timeout: TimeAmount = .seconds(10), lockPatience: Duration = .milliseconds(200), throughPort port: Int? = nil
    ) throws -> PostgresStore {
        var location = location
        if let port {
            location.endpoint = .tcp(host: "127.0.0.1", port: port)
            location.tls = .disable
        }
        return try PostgresStore(
            location: location, timeout: timeout, lockPatience: lockPatience, logger: Logger(label: "test"))
    }

    /// The port of the server the test database is on.
    public var port: Int {
        guard case .tcp(_, let port) = location.endpoint else { fatalError("the tests use TCP") }
        return port
    }

    /// postgres-nio's errors describe themselves as a generic "database error"; a failing test shows this.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    @discardableResult
    public static func execute(_ sql: String, at location: PostgresLocation) throws -> [PostgresRow] {
        do {
            return try executeOnce(sql, at: location)
        } catch {
            throw Failure(description: "\(sql): \(String(reflecting: error))")
        }
    }

    private static func executeOnce(_ sql: String, at location: PostgresLocation) throws -> [PostgresRow] {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        guard case .tcp(let host, let port) = location.endpoint else { fatalError("the tests use TCP") }
        let configuration = PostgresConnection.Configuration(
            host: host, port: port, username: location.username, password: location.password,
            database: location.database, tls: .disable)
        let connection = try PostgresConnection.connect(
            on: group.next(), configuration: configuration, id: 1, logger: Logger(label: "test")
        ).wait()
        defer { try? connection.close().wait() }
        return try connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "test")).wait().rows
    }
}
