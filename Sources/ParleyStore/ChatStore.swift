import Foundation
import ParleyCore

/// Where the core's state lives between runs. Implementations apply each batch of writes atomically and
/// durably, in order; the server calls them from one writer thread at a time.
public protocol ChatStore: Sendable {
    /// Loads everything the core needs. Sessions left open by a crash are closed as of `now`.
    func loadSnapshot(now: Date) throws -> CoreSnapshot
    /// Applies `writes` in one transaction; when this returns they are on disk. A write naming an account the
    /// store does not have (one whose creation failed in an earlier batch, written before the core undid it)
    /// changes nothing and fails nothing, so it cannot take the other writes of its batch down with it.
    func apply(_ writes: [StoreWrite]) throws
    /// Names of existing accounts (for importing credentials without overwriting).
    func accountNames() throws -> Set<String>
    /// Gives account `name` the password behind `hash` and lifts any lock on it (`parleyd --reset-password`, with
    /// no server running); false if there is no such account.
    func resetPassword(of name: String, to hash: PasswordHash) throws -> Bool
    /// Forgets at most `limit` sessions of the login history that ended before `cutoff`, never a user's last
    /// one (after a restart `whoelsesince` knows who was online from it); returns how many it forgot.
    func forgetLoginHistory(endedBefore cutoff: Date, limit: Int) throws -> Int
    /// Closes the store once nothing more will be written to it. SQLite then folds its WAL into the database
    /// file, so a stopped server leaves one complete file behind (what an operator copies as a backup).
    func close() throws
}
