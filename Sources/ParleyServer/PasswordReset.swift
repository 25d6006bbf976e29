import Foundation
import Logging
import ParleyCore
import ParleyProtocol
import ParleyStore

/// What an operator does for a user who forgot their password (`parleyd --reset-password USER`): the account
/// gets a new password, its lock is lifted, and nothing else changes. It writes the database directly, so it
/// takes the same lock a running server holds (the lock file beside an SQLite database, the PostgreSQL store's
/// advisory lock) and is refused while one serves the database: that server's accounts live in its memory and
/// would not see the change.
public enum PasswordReset {
    public enum Failure: Error, CustomStringConvertible, Equatable {
        case invalidPassword
        case noDatabase(String)
        case noSuchAccount(String)

        public var description: String {
            switch self {
            case .invalidPassword: ErrorCode.invalidPassword.text()
            case .noDatabase(let path): "there is no database at \(path)"
            case .noSuchAccount(let name): "there is no account named \(name)"
            }
        }
    }

    /// Sets `name`'s password to `password` in `database`, hashed with `hasher`.
    public static func run(name: String, password: String, database: DatabaseLocation, hasher: PasswordHasher) throws {
        guard CredentialRules.isValidPassword(password) else { throw Failure.invalidPassword }
        if let path = database.sqlitePath, !FileManager.default.fileExists(atPath: path) {
            throw Failure.noDatabase(path)
        }
        let lock = try database.lock()
        defer { lock?.release() }
        let hash = PasswordHash(encoded: try hasher.hash(password))
        let store = try database.openStore(logger: Logger(label: "parleyd"))
        defer { try? store.close() }
        let reset = try DatabaseUnusable.checking(database.description) {
            try store.resetPassword(of: name, to: hash)
        }
        guard reset else { throw Failure.noSuchAccount(name) }
    }
}
