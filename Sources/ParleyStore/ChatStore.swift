import Foundation
import ParleyCore

/// Where the core's state lives between runs. Implementations apply each batch of writes atomically and
/// durably, in order; the server calls them from one writer thread at a time.
public protocol ChatStore: Sendable {
    /// Loads everything the core needs. Sessions left open by a crash are closed as of `now`.
    func loadSnapshot(now: Date) throws -> CoreSnapshot
    /// Applies `writes` in one transaction; when this returns they are on disk.
    func apply(_ writes: [StoreWrite]) throws
    /// Names of existing accounts (for importing credentials without overwriting).
    func accountNames() throws -> Set<String>
}
