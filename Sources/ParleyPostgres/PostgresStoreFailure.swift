import NIOCore
import ParleyStore
import PostgresNIO

/// Why the PostgreSQL store could not do what it was asked, in words an operator can act on. postgres-nio's own
/// errors describe themselves as a generic "database error" (so they never leak into a client's view); this
/// takes out what the operator needs: the server's message and SQLSTATE, or why the connection failed.
public enum PostgresStoreFailure: ExplainedStoreFailure, CustomStringConvertible {
    /// No connection could be made (refused, no route, name unknown, TLS refused).
    case unreachable(PostgresLocation, reason: String)
    /// The server answered with an error (a wrong password, a missing database, a refused statement).
    case refused(PostgresLocation, message: String, sqlState: String?)
    /// Another parleyd holds the database.
    case inUse(PostgresLocation, holder: String?)
    /// The server did not answer in time; the connection was closed.
    case timedOut(PostgresLocation, after: TimeAmount)
    /// The connection broke while statements were under way.
    case connectionLost(PostgresLocation, reason: String)
    /// The store was closed.
    case closed(PostgresLocation)

    init(_ error: any Error, at location: PostgresLocation) {
        if let failure = error as? PostgresStoreFailure {
            self = failure
            return
        }
        guard let error = error as? PSQLError else {
            self = .refused(location, message: String(reflecting: error), sqlState: nil)
            return
        }
        if let info = error.serverInfo {
            self = .refused(location, message: info[.message] ?? "an error", sqlState: info[.sqlState])
            return
        }
        let reason = error.underlying.map { String(describing: $0) } ?? "\(error.code)"
        switch error.code {
        case .connectionError, .sslUnsupported, .failedToAddSSLHandler, .unsupportedAuthMechanism,
            .authMechanismRequiresPassword:
            let words = error.code == .sslUnsupported ? "the server does not offer TLS (sslmode=require)" : reason
            self = .unreachable(location, reason: words)
        default:
            self = .connectionLost(location, reason: reason)
        }
    }

    public var description: String {
        switch self {
        case .unreachable(let location, let reason):
            "cannot connect to PostgreSQL at \(location): \(reason); is the server running and the URL right?"
        case .refused(let location, let message, let sqlState):
            "PostgreSQL at \(location) refused: \(message)" + (sqlState.map { " (SQLSTATE \($0))" } ?? "")
        case .inUse(let location, let holder):
            "the database \(location) is in use by another parleyd" + (holder.map { " (\($0))" } ?? "")
                + "; stop that one first, or give another --database"
        case .timedOut(let location, let after):
            "PostgreSQL at \(location) did not answer within \(after.nanoseconds / 1_000_000_000) s; "
                + "the connection was closed"
        case .connectionLost(let location, let reason):
            "the connection to PostgreSQL at \(location) was lost (\(reason))"
        case .closed(let location):
            "the store for \(location) is closed"
        }
    }

    public var hint: String {
        switch self {
        case .unreachable, .timedOut, .connectionLost: "the PostgreSQL server cannot be reached"
        case .refused: "PostgreSQL refuses the writes: see its log"
        case .inUse: "another parleyd took the database"
        case .closed: "the store is closed"
        }
    }
}
