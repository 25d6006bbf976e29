import ParleyProtocol
import Synchronization

/// The other users this client has heard of in its session (who-lists, presence, messages, requests), for
/// completing names with Tab. The session adds to it; the terminal reads it on its own thread when Tab is
/// pressed, hence the lock.
public final class KnownUsers: Sendable {
    private let names = Mutex<Set<String>>([])

    public init() {}

    /// Only names that can be usernames: what Tab puts into the line, or lists, came from the server.
    func add(_ users: some Sequence<String>) {
        let valid = users.filter(CredentialRules.isValidUsername)
        names.withLock { $0.formUnion(valid) }
    }

    /// Everyone known so far, alphabetical.
    public var all: [String] {
        names.withLock { $0.sorted() }
    }
}
