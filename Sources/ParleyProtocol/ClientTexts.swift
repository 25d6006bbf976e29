/// Texts only the client shows: the SPEC's display formats for arriving messages, and the client's own
/// notices. Kept beside `Texts` (in their own file, so server and client can each add texts without
/// touching the same lines) so every user-visible wording still lives in this one module.
extension Texts {
    /// The prompt for commands on a terminal.
    public static let commandPrompt = "> "
    /// Heads the list printed by `help`.
    public static let helpHeader = "Commands:"
    /// Closes the list printed by `help`.
    public static let helpFooter =
        "A bare y or n answers the oldest waiting private messaging request. Tab completes commands and names. "
        + "Ctrl-C, or Ctrl-D on an empty line, logs out."
    /// Asked on first contact with a TLS server whose certificate is not remembered yet.
    public static let trustQuestion = "Trust this server and remember it? (yes/no): "
    /// The answer to `trustQuestion` was not yes.
    public static let serverNotTrusted = "Not connecting to a server you did not trust"
    /// The server gave up waiting for this connection to log in.
    public static let loginTimedOut = "You did not log in in time; please try again"
    /// The server has too many connections waiting to log in.
    public static let serverFull = "The server is too busy to take new logins; please try again later"
    /// The server has not answered for so long that the client takes the connection for lost.
    public static let serverStoppedAnswering = "The server stopped answering; the connection is lost"
    /// The session was picked up on another connection with this client's resume token.
    public static let resumedElsewhere = "Your session was picked up again on another connection"
    /// The server closed a connection that went on flooding it with requests.
    public static let disconnectedTooFast = "The server disconnected you for sending far too many requests"
    /// A line entered while the client reconnects: it is kept and sent once logged in again.
    public static let heldUntilReconnected = "Not connected: this will be sent once the client has reconnected"
    /// The connection was lost while a command's reply was awaited.
    public static let unansweredAtLoss =
        "The last command was not answered before the connection was lost; it may not have been carried out"
    /// `y` or `n` typed when nobody asked to private message.
    public static let noPendingConsent = "Error. No private messaging request is waiting"

    /// The client (on a terminal) lost its server and tries to pick the session up again.
    public static func reconnecting(_ endpoint: String) -> String { "Reconnecting to \(endpoint) (Ctrl-C quits)" }
    public static func reconnected(_ endpoint: String) -> String { "Reconnected to \(endpoint)" }
    public static func couldNotReconnect(_ endpoint: String, reason: String) -> String {
        "Could not reconnect to \(endpoint): \(reason)"
    }

    public static func directMessage(from sender: String, text: String) -> String { "\(sender): \(text)" }
    public static func broadcastMessage(from sender: String, text: String) -> String {
        "\(sender) (broadcast): \(text)"
    }
    /// A message that waited while the user was away; `time` is local `HH:MM`, or date and time if not today.
    public static func offlineMessage(from sender: String, time: String, text: String) -> String {
        "\(sender) (offline, \(time)): \(text)"
    }
    public static func privateMessage(from sender: String, text: String) -> String { "\(sender) (private): \(text)" }
    /// The one-line usage printed after `Error. Invalid command` when the command name was known.
    public static func usage(_ synopsis: String) -> String { "Usage: \(synopsis)" }
    /// A consent request from `user` that was waiting for an answer is gone (expired, or they left).
    public static func consentRequestClosed(_ user: String) -> String {
        "The private messaging request from \(user) is no longer open"
    }
    /// This user's own request to `user`, not answered yet, is gone: withdrawn with `stopprivate`, or `user` left
    /// or blocked them before answering, or the connection to the server was lost.
    public static func ownRequestClosed(_ user: String) -> String {
        "The private messaging request to \(user) is no longer open"
    }
    /// The direct connection to `user` could not be made or was not accepted.
    public static func privateConnectFailed(_ user: String) -> String {
        "Could not connect to \(user) for private messaging"
    }
    /// The client could not open its port for direct sessions, so it cannot offer one.
    public static func privateUnavailable(_ reason: String) -> String {
        "Error. Private messaging is not available: \(reason)"
    }

    // End-to-end encrypted private sessions and the path they take.
    /// Shown after `privateStarted` when the sealed frames go straight between the two clients.
    public static func privatePathDirect(_ user: String) -> String {
        "Private messaging with \(user) goes directly between you"
    }
    /// Shown after `privateStarted` when no direct connection could be made and the server relays the frames.
    public static func privatePathRelayed(_ user: String) -> String {
        "Private messaging with \(user) is relayed through the server (still end-to-end encrypted)"
    }
    /// The short code both users compare out of band; it differs if anyone substituted a key.
    public static func privateFingerprint(_ user: String, fingerprint: String) -> String {
        "Session fingerprint: \(fingerprint) "
            + "(compare with \(user) over another channel to be sure nobody is in the middle)"
    }
    /// A frame of the session with `user` did not open; `problem` says how (altered, replayed, not sealed).
    public static func privateFrameRejected(_ user: String, problem: String) -> String {
        "Warning: a private message from \(user) was rejected (\(problem))"
    }
    /// This user declined `user`'s request (`n` or `decline`): `user` is told `consentDeclined`.
    public static func declinedByYou(_ user: String) -> String { "You declined private messaging with \(user)" }
    /// A private message that opened but breaks the rules for messages (`private` never sends one).
    public static func privateTextRefused(_ user: String) -> String {
        "Warning: a private message from \(user) was not shown: it breaks the rules for messages (one line, at most "
            + "\(ProtocolLimits.maxMessageCharacters) characters)"
    }
    /// The server's grant lacked a usable key, so no end-to-end encrypted session could be made.
    public static func privateCannotStart(_ user: String, reason: String) -> String {
        "Error. Private messaging with \(user) cannot start: \(reason)"
    }
    public static func privateKeyMissing(_ user: String) -> String {
        "\(user) sent no key for end-to-end encryption"
    }
    public static func privateKeyInvalid(_ user: String) -> String {
        "the end-to-end encryption key from \(user) is not valid"
    }
    /// Our own half of the key exchange is gone (the grant came for a request this client did not make).
    public static let privateOwnKeyMissing = "this client holds no key for that session"

    // TLS trust of the server (the client pins the certificate's fingerprint, as SSH does).
    public static func unknownServer(_ endpoint: String, fingerprint: String) -> String {
        "The server \(endpoint) is not known yet. Its TLS certificate's SHA-256 fingerprint is \(fingerprint)"
    }
    public static func certificateChanged(_ endpoint: String, was: String, now: String, file: String) -> String {
        "Error. The TLS certificate of \(endpoint) has changed: it was \(was), it is now \(now). "
            + "If that is expected, remove \(endpoint) from \(file) and connect again"
    }
    public static func certificateMismatch(expected: String, presented: String) -> String {
        "Error. The server's TLS certificate has the fingerprint \(presented), not \(expected) as given with --trust"
    }
    public static func knownServersUnreadable(_ reason: String) -> String {
        "Error. Cannot check this server against the ones you trusted: \(reason). Fix or remove that file and "
            + "connect again"
    }
    public static func couldNotRememberServer(file: String, reason: String) -> String {
        "Could not remember the server in \(file): \(reason)"
    }
}
