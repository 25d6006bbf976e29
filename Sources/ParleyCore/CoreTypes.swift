import Foundation
import ParleyProtocol

/// Identifies one client connection for the lifetime of the server process.
public struct ConnectionID: Hashable, Sendable, CustomStringConvertible {
    public let raw: UInt64
    public init(_ raw: UInt64) { self.raw = raw }
    public var description: String { "c\(raw)" }
}

/// A password hash in its stored, self-describing form (algorithm, parameters, salt and hash).
/// The core never looks inside; hashing and verification are effects carried out by an adapter.
public struct PasswordHash: Hashable, Sendable {
    public let encoded: String
    public init(encoded: String) { self.encoded = encoded }
}

/// A message waiting for its offline recipient, in the order it was sent.
public struct StoredMessage: Hashable, Sendable {
    public var id: Int64
    public var sender: String
    public var recipient: String
    public var text: String
    public var sent: Date

    public init(id: Int64, sender: String, recipient: String, text: String, sent: Date) {
        self.id = id
        self.sender = sender
        self.recipient = recipient
        self.text = text
        self.sent = sent
    }
}

/// One account as the store keeps it.
public struct AccountRecord: Hashable, Sendable {
    public var name: String
    public var passwordHash: PasswordHash
    /// Consecutive wrong passwords since the last success or lock.
    public var failedAttempts: Int
    public var lockedUntil: Date?
    /// When the user last logged out (or was last known to be online), for `whoelsesince`.
    public var lastSeen: Date?
    /// What lets the user's last session be resumed, if anything does.
    public var resume: ResumeGrant?

    public init(
        name: String, passwordHash: PasswordHash, failedAttempts: Int = 0, lockedUntil: Date? = nil,
        lastSeen: Date? = nil, resume: ResumeGrant? = nil
    ) {
        self.name = name
        self.passwordHash = passwordHash
        self.failedAttempts = failedAttempts
        self.lockedUntil = lockedUntil
        self.lastSeen = lastSeen
        self.resume = resume
    }
}

/// What lets a session be picked up again after its connection was lost (`resume`): the digest of the one
/// token that may do it (the token itself is given to the client only, never kept) and when the session ended
/// (`nil` while it lasts). It is good until `CoreConfiguration.resumeWindow` after that end.
public struct ResumeGrant: Hashable, Sendable {
    public var tokenDigest: String
    public var endedAt: Date?
    /// The token whose resume made this grant, still taken in its place (`ChatCore+Resume`); in memory only.
    public var previous: PreviousToken?

    /// A token already used for a resume, whose answer (with the next token) may have been lost.
    public struct PreviousToken: Hashable, Sendable {
        public var digest: String
        /// Until when it is taken, if this grant's own token has not been used by then.
        public var until: Date
    }

    public init(tokenDigest: String, endedAt: Date? = nil, previous: PreviousToken? = nil) {
        self.tokenDigest = tokenDigest
        self.endedAt = endedAt
        self.previous = previous
    }

    /// Whether `digest` is this grant's, compared in time that does not depend on where they differ.
    func admits(_ digest: String) -> Bool {
        Self.same(tokenDigest, digest)
    }

    /// Whether `digest` is the previous token's and that is still taken at `now`.
    func admitsPrevious(_ digest: String, at now: Date) -> Bool {
        guard let previous, now < previous.until else { return false }
        return Self.same(previous.digest, digest)
    }

    private static func same(_ mine: String, _ theirs: String) -> Bool {
        let mine = Array(mine.utf8)
        let theirs = Array(theirs.utf8)
        guard mine.count == theirs.count else { return false }
        return zip(mine, theirs).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    func isOpen(at now: Date, window: TimeInterval) -> Bool {
        guard let endedAt else { return true }
        return now < endedAt.addingTimeInterval(window)
    }
}

/// Everything the core needs from the store at start-up.
public struct CoreSnapshot: Sendable {
    public var accounts: [AccountRecord]
    /// (blocker, blocked) pairs.
    public var blocks: [(blocker: String, blocked: String)]
    /// Waiting messages, oldest first.
    public var waitingMessages: [StoredMessage]

    public init(
        accounts: [AccountRecord] = [], blocks: [(blocker: String, blocked: String)] = [],
        waitingMessages: [StoredMessage] = []
    ) {
        self.accounts = accounts
        self.blocks = blocks
        self.waitingMessages = waitingMessages
    }
}

/// A change the core asks the store to make durable. The store applies writes in the order given.
public enum StoreWrite: Hashable, Sendable {
    case createAccount(name: String, passwordHash: PasswordHash, at: Date)
    case setLockState(name: String, failedAttempts: Int, lockedUntil: Date?)
    /// A new password; `previous` is what the core puts back if the store cannot keep it.
    case setPasswordHash(name: String, hash: PasswordHash, previous: PasswordHash)
    case block(blocker: String, blocked: String)
    case unblock(blocker: String, blocked: String)
    case enqueue(StoredMessage)
    /// The messages were handed to the recipient's connection.
    case dequeue(ids: [Int64])
    case recordLogin(name: String, at: Date)
    case recordLogout(name: String, at: Date)
    /// The user's resume grant from now on; `nil` takes it away.
    case setResumeGrant(name: String, grant: ResumeGrant?)
}

/// Timers the core asks for. When one fires the adapter feeds `CoreInput.timerFired` back; the core checks
/// the deadline itself, so a stale or early firing is harmless.
public enum TimerKey: Hashable, Sendable {
    case inactivity(ConnectionID)
    case privateRequest(from: String, to: String)
    /// The deadline for a new connection to log in.
    case login(ConnectionID)
}

/// Settings of the chat rules. The command line fills these in.
public struct CoreConfiguration: Sendable {
    /// Seconds an account stays locked after `maxFailedAttempts` wrong passwords.
    public var blockDuration: TimeInterval
    /// Seconds without a user command before logout; `nil` disables the timeout.
    public var inactivityTimeout: TimeInterval?
    public var registrationEnabled: Bool
    public var maxFailedAttempts: Int
    public var privateRequestLifetime: TimeInterval
    public var serverName: String
    /// Login and registration attempts per client address, and per account, on top of the lockout.
    public var loginAttemptsPerAddress: RateLimit? = RateLimit(burst: 10, perSecond: 10.0 / 60)
    public var loginAttemptsPerAccount: RateLimit? = RateLimit(burst: 20, perSecond: 20.0 / 60)
    /// New accounts per client address (30 an hour by default): registration is open to anyone who can
    /// connect, and without a limit one client could create accounts as fast as the server hashes passwords.
    public var registrationsPerAddress: RateLimit? = RateLimit(burst: 30, perSecond: 30.0 / 3600)
    /// Requests per connection; beyond it requests get `rate_limited`.
    public var commandRate: RateLimit? = RateLimit(burst: 200, perSecond: 100)
    /// Messages that may wait for one offline user (more get `mailbox_full` until the user logs in), and from
    /// one sender across all offline users (more get `too_many_waiting`). They are kept in memory and on disk,
    /// so without a limit one sender could fill both. `nil`: no limit.
    public var maxWaitingMessages: Int? = 10_000
    /// Bytes of memory that all waiting messages together may take (text and `waitingMessageOverhead` each); more
    /// get `waiting_storage_full`. The limits per user and per sender bound what one account does; this
    /// bounds what many accounts of one person do. `nil`: no limit.
    public var maxWaitingBytes: Int? = 1 << 30
    /// What a waiting message takes in memory besides its text (its fields, the strings' headers, its slot),
    /// as `maxWaitingBytes` counts it.
    public static let waitingMessageOverhead = 128
    /// Connections that have not logged in yet; more are turned away.
    public var maxUnauthenticatedConnections = 1000
    /// Seconds a connection may stay without logging in; `nil` for no limit.
    public var loginDeadline: TimeInterval? = 30
    /// Seconds after a session's connection was lost (or the server stopped) in which its client may resume
    /// it with its token; a logout, an inactivity logout or a password reset ends the grant at once.
    public var resumeWindow: TimeInterval = 600

    public init(
        blockDuration: TimeInterval = 60, inactivityTimeout: TimeInterval? = 120, registrationEnabled: Bool = true,
        maxFailedAttempts: Int = 3, privateRequestLifetime: TimeInterval = ProtocolLimits.privateRequestLifetime,
        serverName: String = "parleyd"
    ) {
        self.blockDuration = blockDuration
        self.inactivityTimeout = inactivityTimeout
        self.registrationEnabled = registrationEnabled
        self.maxFailedAttempts = maxFailedAttempts
        self.privateRequestLifetime = privateRequestLifetime
        self.serverName = serverName
    }
}
