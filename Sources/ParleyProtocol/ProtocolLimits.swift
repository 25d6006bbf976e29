/// Version and size limits of the Parley wire protocol, shared by server and client.
public enum ProtocolLimits {
    /// The protocol version this build speaks; exchanged first with `hello`.
    public static let version = 1
    /// Default maximum size of one line (one JSON frame), newline excluded: what the server takes from a
    /// client, and what a client takes from its peer in a private session.
    public static let defaultMaxLineBytes = 64 * 1024
    /// What a client takes from the server in one line. A `users` reply names every user it lists in one
    /// frame (up to 35 bytes each), so on a server with a few thousand users it is longer than any request;
    /// 16 MiB holds about 470,000 names.
    public static let maxServerLineBytes = 16 * 1024 * 1024
    /// Maximum length of message text, in characters (Unicode scalars, `CredentialRules.messageTextProblem`).
    public static let maxMessageCharacters = 4096
    /// Seconds an unanswered private-messaging request stays valid.
    public static let privateRequestLifetime: Double = 60
}
