import Foundation

/// Where a PostgreSQL database is, read from a connection URL in libpq's form, so an operator can paste what
/// `psql` takes: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=MODE]`, or over a Unix socket
/// `postgres://USER@/DATABASE?host=/var/run/postgresql`.
///
/// The port defaults to 5432, the database to the user's name, the password to `PGPASSWORD` (a password in
/// the URL shows in `ps`), TLS to `prefer`. `sslmode` takes libpq's `disable`, `prefer`, `require` (encrypted,
/// certificate not checked, as libpq does), `verify-ca` (the certificate must come from a trusted authority)
/// and `verify-full` (and be for the host). `sslrootcert=FILE` names the authorities to trust (PEM), as
/// libpq's does, for a server whose certificate a private authority signed; without it the system's are
/// trusted. With it, `require` checks the authority too, as in libpq.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    public enum Endpoint: Sendable, Equatable {
        case tcp(host: String, port: Int)
        case unixSocket(path: String)
    }

    public enum TLSMode: String, Sendable, Equatable, CaseIterable {
        case disable, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var endpoint: Endpoint
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode
    /// The PEM file of the certificate authorities to trust (`sslrootcert`); `nil`: the system's.
    public var rootCertificates: String?

    /// Whether `text` is meant as a PostgreSQL URL rather than a file name.
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Reads `url`; `environment` supplies `PGPASSWORD` when the URL has no password.
    public init(url text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard Self.isURL(text), let url = URLComponents(string: text) else { throw Invalid(url: text, reason: nil) }
        func decoded(_ part: String?) -> String? { part.flatMap { $0.removingPercentEncoding ?? $0 } }
        guard let user = decoded(url.percentEncodedUser), !user.isEmpty else {
            throw Invalid(url: text, reason: "it names no user")
        }
        username = user
        password = decoded(url.percentEncodedPassword) ?? environment["PGPASSWORD"]
        let path = decoded(url.percentEncodedPath) ?? ""
        database = path.hasPrefix("/") && path.count > 1 ? String(path.dropFirst()) : user
        var socketDirectory: String?
        var mode = TLSMode.prefer
        for item in url.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let value = item.value, let known = TLSMode(rawValue: value) else {
                    let modes = TLSMode.allCases.map(\.rawValue).joined(separator: ", ")
                    throw Invalid(url: text, reason: "sslmode must be one of \(modes)")
                }
                mode = known
            case "host":
                socketDirectory = item.value
            case "sslrootcert":
                guard let value = item.value, !value.isEmpty else {
                    throw Invalid(url: text, reason: "sslrootcert names no file")
                }
                rootCertificates = value
            default:
                throw Invalid(url: text, reason: "it has an option parleyd does not know: \(item.name)")
            }
        }
        let port = url.port ?? 5432
        guard (1...65535).contains(port) else { throw Invalid(url: text, reason: "the port is out of range") }
        if let directory = socketDirectory, directory.hasPrefix("/") {
            endpoint = .unixSocket(path: "\(directory)/.s.PGSQL.\(port)")
            mode = .disable  // libpq uses no TLS over a Unix socket either
        } else if let host = socketDirectory ?? url.host, !host.isEmpty {
            let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
            endpoint = .tcp(host: bare, port: port)
        } else {
            throw Invalid(url: text, reason: "it names no host")
        }
        tls = mode
    }

    /// The URL without its password, for logs and messages.
    public var description: String {
        switch endpoint {
        case .tcp(let host, let port):
            let shown = host.contains(":") ? "[\(host)]" : host
            return "postgres://\(username)@\(shown):\(port)/\(database)"
        case .unixSocket(let path):
            let directory = (path as NSString).deletingLastPathComponent
            return "postgres://\(username)@/\(database)?host=\(directory)"
        }
    }

    /// A URL parleyd cannot use.
    public struct Invalid: Error, CustomStringConvertible {
        public let url: String
        public let reason: String?

        public var description: String {
            let shown = (try? PostgresLocation(url: url, environment: [:]))?.description ?? "the PostgreSQL URL"
            let why = reason.map { ": \($0)" } ?? ""
            return "\(shown) is not a usable PostgreSQL URL\(why) (postgres://USER@HOST:PORT/DATABASE)"
        }
    }
}
