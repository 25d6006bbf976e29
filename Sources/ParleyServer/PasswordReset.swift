import Foundation
import ParleyCore
import ParleyProtocol
import ParleyStore

/// What an operator does for a user who forgot their password (`parleyd --reset-password USER`): the account
/// gets a new password, its lock is lifted, and nothing else changes. It writes the database directly, so it
/// takes the same lock a running server holds and is refused while one serves the database: that server's
/// accounts live in its memory and would not see the change.
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

    /// Sets `name`'s password to `password` in the database at `databasePath`, hashed with `hasher`.
    public static func run(name: String, password: String, databasePath: String, hasher: PasswordHasher) throws {
        guard CredentialRules.isValidPassword(password) else { throw Failure.invalidPassword }
        guard FileManager.default.fileExists(atPath: databasePath) else { throw Failure.noDatabase(databasePath) }
        let lock = try DatabaseLock.acquire(for: databasePath)
        defer { lock.release() }
        let hash = PasswordHash(encoded: try hasher.hash(password))
        let reset = try DatabaseUnusable.checking(databasePath) {
            let store = try SQLiteStore(path: databasePath)
            defer { try? store.close() }
            return try store.resetPassword(of: name, to: hash)
        }
        guard reset else { throw Failure.noSuchAccount(name) }
    }
}
