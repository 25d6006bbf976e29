/// A client request: `{"id": 7, "op": "message", "to": "bob", "text": "hi"}`.
///
/// Every request carries an `id`; the server answers each with exactly one `Reply` with the same `id`.
public struct Request: Sendable, Hashable {
    public var id: RequestID
    public var command: Command

    public init(id: RequestID, command: Command) {
        self.id = id
        self.command = command
    }
}

/// What a request asks for. The `op` field on the wire names the case.
public enum Command: Sendable, Hashable {
    /// First request on every connection: the protocol version the client speaks. With `receipts`, the client
    /// confirms the messages that waited for it (`received`) and the server keeps each until it is confirmed.
    /// With `resumable`, a login on this connection comes with a resume token (`Reply.resume`).
    case hello(version: Int, client: String?, receipts: Bool = false, resumable: Bool = false)
    case login(username: String, password: String)
    /// Picks up `username`'s session again after its connection was lost, with the token its last login or
    /// resume gave (instead of the password); the old connection's session ends if the server still holds it.
    case resume(username: String, token: String)
    /// Creates the account after the server checks that `confirmation` matches `password`.
    case register(username: String, password: String, confirmation: String)
    case message(to: String, text: String)
    case broadcast(text: String)
    case whoelse
    case whoelsesince(seconds: Int)
    case block(user: String)
    case unblock(user: String)
    /// The users this user has blocked.
    case blocked
    /// Replaces the user's password with `new` once `current` is checked against the one the account has.
    case changePassword(current: String, new: String)
    /// Asks `user` for consent to a direct session; `port` is where the requester listens for the peer.
    /// `key` is the requester's ephemeral X25519 public key (base64) for the end-to-end encrypted session.
    case startPrivate(user: String, port: Int, key: String? = nil)
    /// The target's answer to a consent request from `user`.
    /// `key` is the answerer's ephemeral X25519 public key (base64), when accepting.
    case answerPrivate(user: String, accept: Bool, key: String? = nil)
    case stopPrivate(user: String)
    /// Opaque, end-to-end sealed bytes (base64) for the peer of an active private session, when no direct
    /// connection could be made. The server passes them on and can read nothing.
    case relay(to: String, data: String)
    /// Tells the server the user did something it otherwise never sees (such as `private`), without any text.
    case activity
    /// The first `count` of the messages that waited for the user, as delivered at this login, have arrived
    /// and need not be kept any longer (for a client that asked for `receipts` in `hello`).
    case received(count: Int)
    /// Keep-alive; does not count as user activity.
    case ping
    case logout

    /// The `op` string on the wire.
    public var op: String {
        switch self {
        case .hello: "hello"
        case .login: "login"
        case .resume: "resume"
        case .register: "register"
        case .message: "message"
        case .broadcast: "broadcast"
        case .whoelse: "whoelse"
        case .whoelsesince: "whoelsesince"
        case .block: "block"
        case .unblock: "unblock"
        case .blocked: "blocked"
        case .changePassword: "password"
        case .startPrivate: "startprivate"
        case .answerPrivate: "answerprivate"
        case .stopPrivate: "stopprivate"
        case .relay: "relay"
        case .activity: "activity"
        case .received: "received"
        case .ping: "ping"
        case .logout: "logout"
        }
    }

    /// Whether the request counts as the user doing something (resets the inactivity timer).
    public var countsAsActivity: Bool {
        switch self {
        case .ping, .hello, .login, .resume, .register, .relay, .received: false
        default: true
        }
    }
}

extension Request: Codable {
    enum CodingKeys: String, CodingKey {
        case id, op, version, client, username, password, confirmation, current, to, text, seconds, user, port
        case accept, key, data, receipts, count, resumable, token
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(RequestID.self, forKey: .id)
        let op = try c.decode(String.self, forKey: .op)
        switch op {
        case "hello":
            command = .hello(
                version: try c.decode(Int.self, forKey: .version),
                client: try c.decodeIfPresent(String.self, forKey: .client),
                receipts: try c.decodeIfPresent(Bool.self, forKey: .receipts) ?? false,
                resumable: try c.decodeIfPresent(Bool.self, forKey: .resumable) ?? false)
        case "login":
            command = .login(
                username: try c.decode(String.self, forKey: .username),
                password: try c.decode(String.self, forKey: .password))
        case "resume":
            command = .resume(
                username: try c.decode(String.self, forKey: .username),
                token: try c.decode(String.self, forKey: .token))
        case "register":
            command = .register(
                username: try c.decode(String.self, forKey: .username),
                password: try c.decode(String.self, forKey: .password),
                confirmation: try c.decode(String.self, forKey: .confirmation))
        case "message":
            command = .message(
                to: try c.decode(String.self, forKey: .to), text: try c.decode(String.self, forKey: .text))
        case "broadcast": command = .broadcast(text: try c.decode(String.self, forKey: .text))
        case "whoelse": command = .whoelse
        case "whoelsesince": command = .whoelsesince(seconds: try c.decode(Int.self, forKey: .seconds))
        case "block": command = .block(user: try c.decode(String.self, forKey: .user))
        case "unblock": command = .unblock(user: try c.decode(String.self, forKey: .user))
        case "blocked": command = .blocked
        case "password":
            command = .changePassword(
                current: try c.decode(String.self, forKey: .current), new: try c.decode(String.self, forKey: .password))
        case "startprivate":
            command = .startPrivate(
                user: try c.decode(String.self, forKey: .user), port: try c.decode(Int.self, forKey: .port),
                key: try c.decodeIfPresent(String.self, forKey: .key))
        case "answerprivate":
            command = .answerPrivate(
                user: try c.decode(String.self, forKey: .user), accept: try c.decode(Bool.self, forKey: .accept),
                key: try c.decodeIfPresent(String.self, forKey: .key))
        case "relay":
            command = .relay(to: try c.decode(String.self, forKey: .to), data: try c.decode(String.self, forKey: .data))
        case "stopprivate": command = .stopPrivate(user: try c.decode(String.self, forKey: .user))
        case "activity": command = .activity
        case "received": command = .received(count: try c.decode(Int.self, forKey: .count))
        case "ping": command = .ping
        case "logout": command = .logout
        default:
            throw UnknownOperation(op: op)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(command.op, forKey: .op)
        switch command {
        case .hello(let version, let client, let receipts, let resumable):
            try c.encode(version, forKey: .version)
            try c.encodeIfPresent(client, forKey: .client)
            if receipts { try c.encode(true, forKey: .receipts) }
            if resumable { try c.encode(true, forKey: .resumable) }
        case .resume(let username, let token):
            try c.encode(username, forKey: .username)
            try c.encode(token, forKey: .token)
        case .login(let username, let password):
            try c.encode(username, forKey: .username)
            try c.encode(password, forKey: .password)
        case .register(let username, let password, let confirmation):
            try c.encode(username, forKey: .username)
            try c.encode(password, forKey: .password)
            try c.encode(confirmation, forKey: .confirmation)
        case .message(let to, let text):
            try c.encode(to, forKey: .to)
            try c.encode(text, forKey: .text)
        case .broadcast(let text): try c.encode(text, forKey: .text)
        case .whoelsesince(let seconds): try c.encode(seconds, forKey: .seconds)
        case .received(let count): try c.encode(count, forKey: .count)
        case .block(let user), .unblock(let user), .stopPrivate(let user):
            try c.encode(user, forKey: .user)
        case .changePassword(let current, let new):
            try c.encode(current, forKey: .current)
            try c.encode(new, forKey: .password)
        case .startPrivate(let user, let port, let key):
            try c.encode(user, forKey: .user)
            try c.encode(port, forKey: .port)
            try c.encodeIfPresent(key, forKey: .key)
        case .answerPrivate(let user, let accept, let key):
            try c.encode(user, forKey: .user)
            try c.encode(accept, forKey: .accept)
            try c.encodeIfPresent(key, forKey: .key)
        case .relay(let to, let data):
            try c.encode(to, forKey: .to)
            try c.encode(data, forKey: .data)
        case .whoelse, .blocked, .activity, .ping, .logout: break
        }
    }
}

/// Thrown when a request names an `op` the server does not know.
public struct UnknownOperation: Error, Sendable {
    public var op: String
}
