import Foundation
import ParleyProtocol

/// Everything that can happen to the core. The adapter feeds these in, with the current time.
public enum CoreInput: Sendable {
    /// A client connected from `address` (the peer's IP as the server sees it).
    case connected(ConnectionID, address: String)
    case request(ConnectionID, Request)
    /// The connection is gone (closed by either side); treated as a logout.
    case disconnected(ConnectionID)
    /// The connection is closing and nothing more reaches it, but the adapter hands over its `disconnected`
    /// a moment later (with others, in batches): meanwhile a message to its user is kept for them as for a
    /// user offline, not acknowledged as delivered and lost.
    case closing(ConnectionID)
    /// Result of `Effect.verifyPassword`.
    case passwordVerified(ConnectionID, RequestID, username: String, matches: Bool)
    /// Result of `Effect.hashPassword`.
    case passwordHashed(ConnectionID, RequestID, username: String, PasswordHash)
    case timerFired(TimerKey)
    /// The store could not make these writes durable (full disk, I/O error). The core undoes what it can.
    case writesFailed([StoreWrite])
    /// The server is stopping: every session is logged out with a notice.
    case shutdown
}

/// What the core asks the world to do, in order.
public enum Effect: Sendable, Hashable {
    case send(ConnectionID, ServerFrame)
    /// The same frame to many connections (a broadcast): encoded once by the adapter.
    case sendToEach([ConnectionID], ServerFrame)
    /// `user` came online on `connection`, or went offline from it: every other connection whose user is
    /// online hears of it (`ServerEvent.presence`), except `hiddenFrom`, the connections of users `user` has
    /// blocked. The online connections are exactly those announced online and not yet offline, so the adapter
    /// keeps that audience itself rather than being given it each time (a storm of N logins would otherwise
    /// list N² recipients), and it may let these events wait a moment to share a write.
    case presence(user: String, online: Bool, connection: ConnectionID, hiddenFrom: [ConnectionID])
    /// Close the connection once what was sent to it is written.
    case close(ConnectionID)
    case persist(StoreWrite)
    /// Output to this connection from here on waits until every write persisted so far is durable;
    /// it is how a reply is acknowledged only after its data is committed.
    case holdUntilDurable(ConnectionID)
    /// Check `password` against `hash` off the event loop; answer with `CoreInput.passwordVerified`.
    case verifyPassword(ConnectionID, RequestID, username: String, password: String, hash: PasswordHash)
    /// Hash a new password off the event loop; answer with `CoreInput.passwordHashed`.
    case hashPassword(ConnectionID, RequestID, username: String, password: String)
    /// Fire `CoreInput.timerFired(key)` at `deadline`, replacing an earlier timer with the same key.
    case schedule(TimerKey, at: Date)
    case cancel(TimerKey)
    /// Log a notable event (never with secrets or message text).
    case log(LogEntry)
}

/// A structured log line the core wants written.
public struct LogEntry: Sendable, Hashable {
    public enum Level: Sendable, Hashable { case debug, info, notice, warning }
    public var level: Level
    public var message: String
    public var user: String?
    public var connection: ConnectionID?

    public init(_ level: Level, _ message: String, user: String? = nil, connection: ConnectionID? = nil) {
        self.level = level
        self.message = message
        self.user = user
        self.connection = connection
    }
}
