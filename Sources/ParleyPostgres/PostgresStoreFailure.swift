import Foundation
import NIOCore
import NIOPosix
import NIOSSL
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
        let reason = error.underlying.map(Self.words) ?? "\(error.code)"
        if let underlying = error.underlying, let refusal = Self.certificateRefusal(underlying, at: location) {
            self = .unreachable(location, reason: refusal)
            return
        }
        switch error.code {
        case .connectionError:
            self = .unreachable(location, reason: reason + "; is the server running and the URL right?")
        case .sslUnsupported:
            let mode = location.tls.rawValue
            self = .unreachable(location, reason: "the server does not offer TLS, and sslmode=\(mode) asks for it")
        case .failedToAddSSLHandler, .unsupportedAuthMechanism, .authMechanismRequiresPassword:
            let missing = error.code == .authMechanismRequiresPassword ? " (no password given: set PGPASSWORD)" : ""
            self = .unreachable(location, reason: "\(error.code)\(missing)")
        default:
            self = .connectionLost(location, reason: reason)
        }
    }

    /// Why the server's certificate was refused, in the words of `sslmode` and `sslrootcert`; `nil` if `error`
    /// is not about the certificate.
    static func certificateRefusal(_ error: any Error, at location: PostgresLocation) -> String? {
        let trusted = location.rootCertificates.map { "the authorities in \($0)" } ?? "the system's authorities"
        if error is NIOSSLExtraError, "\(error)".contains("failedToValidateHostname") {
            return "the server's TLS certificate is not for the host in the URL (sslmode=verify-full checks it; "
                + "verify-ca checks only who signed it)"
        }
        if case NIOSSLError.handshakeFailed = error, "\(error)".contains("CERTIFICATE_VERIFY_FAILED") {
            return "the server's TLS certificate is not signed by \(trusted) (sslrootcert=FILE names the "
                + "authority that signed it)"
        }
        return nil
    }

    /// SwiftNIO's connection errors read as what happened: "Connection refused", "the host name is unknown".
    private static func words(for error: any Error) -> String {
        guard let failure = error as? NIOConnectionError else {
            if let error = error as? IOError { return String(cString: strerror(error.errnoCode)) }
            return String(describing: error)
        }
        if failure.connectionErrors.isEmpty, failure.dnsAError != nil || failure.dnsAAAAError != nil {
            return "the host name \(failure.host) is unknown"
        }
        let reasons = failure.connectionErrors.map { words(for: $0.error) }
        return Array(Set(reasons)).sorted().joined(separator: ", ")
    }

    public var description: String {
        switch self {
        case .unreachable(let location, let reason):
            "cannot connect to PostgreSQL at \(location): \(reason)"
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
