/// How a run of the client ended, and the exit status that goes with it (SPEC sections 1–4).
public enum ClientExit: Sendable, Hashable {
    /// The user logged out (`logout`, Ctrl-C, Ctrl-D, end of input).
    case loggedOut
    case inactivity
    case serverShutdown
    /// Could not reach the server; `reason` completes `Cannot connect to HOST:PORT: REASON`.
    case cannotConnect(reason: String)
    case connectionLost
    /// The server turned the login down for good (locked account, already logged in, unknown user without
    /// registration, unsupported version).
    case refused
    /// Input ended before a login completed.
    case inputEnded
    /// The server's TLS certificate was not trusted (declined on first contact, changed, or not the one
    /// given with `--trust`).
    case untrusted

    public var status: Int32 {
        switch self {
        case .loggedOut, .inactivity, .serverShutdown: 0
        case .cannotConnect, .connectionLost, .refused, .inputEnded, .untrusted: 1
        }
    }
}
