/// The server's one answer to a request: `{"id": 7, "ok": true, ...}` or
/// `{"id": 7, "ok": false, "error": {"code": "invalid_user", "message": "Error. Invalid user"}}`.
///
/// Result fields are optional and only present for the requests that produce them.
public struct Reply: Codable, Sendable, Hashable {
    /// Copied from the request; `nil` only when the request was too broken to carry one.
    public var id: RequestID?
    public var ok: Bool
    public var error: ErrorBody?
    /// `hello`: the protocol version the server speaks, and its name.
    public var version: Int?
    public var server: String?
    /// `login`/`register`: the name the session is logged in as.
    public var username: String?
    /// `message`: true when the recipient was offline and the message was stored for later.
    public var stored: Bool?
    /// `broadcast`: true when some users were skipped because they blocked the sender.
    public var partial: Bool?
    /// `whoelse`/`whoelsesince`: the users, alphabetical.
    public var users: [String]?
    /// `login`/`register`: how many waiting messages follow this reply as `message` events.
    public var waiting: Int?
    /// `login`/`register`/`resume` on a connection that said `resumable` in `hello`: the token that picks this
    /// session up again (`resume`) after a lost connection; each is good for one resume.
    public var resume: String?

    public init(
        id: RequestID?, ok: Bool = true, error: ErrorBody? = nil, version: Int? = nil, server: String? = nil,
        username: String? = nil, stored: Bool? = nil, partial: Bool? = nil, users: [String]? = nil,
        waiting: Int? = nil, resume: String? = nil
    ) {
        self.id = id
        self.ok = ok
        self.error = error
        self.version = version
        self.server = server
        self.username = username
        self.stored = stored
        self.partial = partial
        self.users = users
        self.waiting = waiting
        self.resume = resume
    }

    /// A failed reply carrying `code` and its SPEC text.
    public static func failure(_ id: RequestID?, _ code: ErrorCode, subject: String = "USER") -> Reply {
        Reply(id: id, ok: false, error: ErrorBody(code, subject: subject))
    }
}
