/// A command the user typed, after parsing and local validation; what the session acts on.
public enum UserCommand: Sendable, Hashable {
    case message(to: String, text: String)
    case broadcast(text: String)
    case whoelse
    case whoelsesince(seconds: Int)
    case block(user: String)
    case unblock(user: String)
    /// Lists the users this user has blocked.
    case blocked
    /// Starts the dialogue that changes the user's password (`PasswordDialogue`).
    case changePassword
    case startPrivate(user: String)
    /// Text for the direct session with `to`; it never goes through the server.
    case privateText(to: String, text: String)
    case stopPrivate(user: String)
    /// Shows the fingerprint of the session with `user`, to compare with them over another channel.
    case privateKey(user: String)
    /// Answers the consent request from `user`.
    case answer(user: String, accept: Bool)
    /// A bare `y` or `n`: answers the oldest waiting consent request.
    case answerOldest(accept: Bool)
    case help
    case logout
}
