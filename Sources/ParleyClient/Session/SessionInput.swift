import ParleyProtocol

/// Everything the session reacts to, merged into one ordered stream so one loop handles it all: what the
/// user typed, what the server sent, what peers did, and the keep-alive tick.
enum SessionInput: Sendable {
    case console(ConsoleInput)
    /// A frame from the server on `connection` (counted from 1; a reconnection opens the next one, and
    /// whatever a closed one still reports is ignored).
    case server(ServerFrame, connection: Int)
    /// The server connection ended (closed, reset, or sent a line we refuse).
    case serverClosed(connection: Int)
    case peer(PeerEvent)
    case keepAlive
    /// The wait before the next attempt to reconnect is over.
    case reconnectDue
}

/// Where the session is in its life.
enum SessionPhase: Sendable, Hashable {
    /// `hello` sent, waiting for the server's version.
    case greeting
    case askingUsername
    case askingPassword(username: String)
    /// The server said the user is new; `prompt` is its request to type the password again.
    case askingConfirmation(username: String, password: String, prompt: String)
    /// `login` or `register` sent.
    case loggingIn
    case chatting(username: String)
    /// `logout` sent.
    case leaving
}
