import Foundation

/// Something the server pushes without being asked: `{"event": "message", ...}`. Events never carry an `id`.
public enum ServerEvent: Sendable, Hashable {
    case message(DeliveredMessage)
    /// `user` logged in (`online == true`) or out.
    case presence(user: String, online: Bool)
    /// `from` asks for a private session; answer with `answerprivate`.
    case privateRequest(from: String)
    /// A request from `from` that you had not answered is gone (it expired, or they left).
    case privateRequestClosed(from: String, reason: PrivateEndReason)
    /// `user` did not answer your request in time.
    case privateExpired(user: String)
    case privateDeclined(user: String)
    /// Consent was given: connect (or wait for the connection) and prove `token`.
    case privateReady(PrivateGrant)
    case privateEnded(user: String, reason: PrivateEndReason)
    /// Sealed bytes from the peer of a relayed private session (see `Command.relay`).
    case relay(from: String, data: String)
    /// The server ended this session; the connection closes after this event.
    case loggedOut(reason: LogoutReason)
}

/// How a message reached its recipient.
public enum MessageKind: String, Codable, Sendable, Hashable {
    case direct, broadcast, offline
}

/// A message as the recipient receives it. `sent` is present for messages that waited while the user was away.
public struct DeliveredMessage: Codable, Sendable, Hashable {
    public var from: String
    public var text: String
    public var kind: MessageKind
    public var sent: Date?

    public init(from: String, text: String, kind: MessageKind, sent: Date? = nil) {
        self.from = from
        self.text = text
        self.kind = kind
        self.sent = sent
    }
}

/// What both peers of an accepted private session receive. The requester (`role == .listen`) waits for a
/// connection on its own listening port; the other (`role == .connect`) connects to `host:port`.
/// Both must present `token` first.
public struct PrivateGrant: Codable, Sendable, Hashable {
    public enum Role: String, Codable, Sendable, Hashable { case listen, connect }
    public var user: String
    public var host: String
    public var port: Int
    public var token: String
    public var role: Role
    /// The peer's ephemeral X25519 public key (base64), for the end-to-end encrypted session.
    public var key: String?

    public init(user: String, host: String, port: Int, token: String, role: Role, key: String? = nil) {
        self.user = user
        self.host = host
        self.port = port
        self.token = token
        self.role = role
        self.key = key
    }
}

/// Why a private session (or a pending request) ended.
public enum PrivateEndReason: String, Codable, Sendable, Hashable {
    case stopped, logout, timeout, disconnect, blocked, expired
}

/// Why the server logged a session out on its own.
public enum LogoutReason: String, Codable, Sendable, Hashable {
    case inactivity, shutdown
    /// The connection did not log in within the server's deadline.
    case loginTimeout = "login_timeout"
    /// Too many connections are waiting to log in; try again later.
    case serverFull = "server_full"
    /// The connection went on sending requests at full speed long after being told it was too fast.
    case tooFast = "too_fast"
    /// The session was resumed on another connection (its client reconnected before this one was found dead).
    case resumedElsewhere = "resumed_elsewhere"
}

extension ServerEvent: Codable {
    enum CodingKeys: String, CodingKey {
        case event, from, text, kind, sent, user, online, reason, host, port, token, role, data
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let name = try c.decode(String.self, forKey: .event)
        switch name {
        case "message": self = .message(try DeliveredMessage(from: decoder))
        case "presence":
            self = .presence(
                user: try c.decode(String.self, forKey: .user), online: try c.decode(Bool.self, forKey: .online))
        case "private_request": self = .privateRequest(from: try c.decode(String.self, forKey: .from))
        case "private_request_closed":
            self = .privateRequestClosed(
                from: try c.decode(String.self, forKey: .from),
                reason: try c.decode(PrivateEndReason.self, forKey: .reason))
        case "private_expired": self = .privateExpired(user: try c.decode(String.self, forKey: .user))
        case "private_declined": self = .privateDeclined(user: try c.decode(String.self, forKey: .user))
        case "private_ready": self = .privateReady(try PrivateGrant(from: decoder))
        case "private_ended":
            self = .privateEnded(
                user: try c.decode(String.self, forKey: .user),
                reason: try c.decode(PrivateEndReason.self, forKey: .reason))
        case "logged_out": self = .loggedOut(reason: try c.decode(LogoutReason.self, forKey: .reason))
        case "relay":
            self = .relay(
                from: try c.decode(String.self, forKey: .from), data: try c.decode(String.self, forKey: .data))
        default:
            throw DecodingError.dataCorruptedError(forKey: .event, in: c, debugDescription: "unknown event \(name)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .message(let message):
            try c.encode("message", forKey: .event)
            try message.encode(to: encoder)
        case .presence(let user, let online):
            try c.encode("presence", forKey: .event)
            try c.encode(user, forKey: .user)
            try c.encode(online, forKey: .online)
        case .privateRequest(let from):
            try c.encode("private_request", forKey: .event)
            try c.encode(from, forKey: .from)
        case .privateRequestClosed(let from, let reason):
            try c.encode("private_request_closed", forKey: .event)
            try c.encode(from, forKey: .from)
            try c.encode(reason, forKey: .reason)
        case .privateExpired(let user):
            try c.encode("private_expired", forKey: .event)
            try c.encode(user, forKey: .user)
        case .privateDeclined(let user):
            try c.encode("private_declined", forKey: .event)
            try c.encode(user, forKey: .user)
        case .privateReady(let grant):
            try c.encode("private_ready", forKey: .event)
            try grant.encode(to: encoder)
        case .privateEnded(let user, let reason):
            try c.encode("private_ended", forKey: .event)
            try c.encode(user, forKey: .user)
            try c.encode(reason, forKey: .reason)
        case .loggedOut(let reason):
            try c.encode("logged_out", forKey: .event)
            try c.encode(reason, forKey: .reason)
        case .relay(let from, let data):
            try c.encode("relay", forKey: .event)
            try c.encode(from, forKey: .from)
            try c.encode(data, forKey: .data)
        }
    }
}
