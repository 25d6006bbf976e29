/// What the session remembers about a request until its reply arrives, so the reply can be shown in context.
enum PendingRequest: Sendable, Hashable {
    case hello
    case login(username: String, password: String)
    case resume(username: String)
    case register(username: String, password: String)
    case message(to: String)
    case broadcast
    case whoelse
    case whoelsesince(seconds: Int)
    /// `endedSession`: a private session with `user` was ended when the block was sent, to be reported after it.
    case block(user: String, endedSession: Bool = false)
    case unblock(user: String)
    case blocked
    case changePassword
    case startPrivate(user: String)
    case answerPrivate(user: String, accept: Bool)
    case stopPrivate(user: String)
    case logout
    /// Sent by the client on its own (`ping`, `activity`, clean-up `stopprivate`): the reply is not shown.
    case background
    /// `whoelse` after a reconnection, to show who came or went while the client was away.
    case onlineAfterReconnecting
}
