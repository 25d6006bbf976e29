/// Version and size limits of the Parley wire protocol, shared by server and client.
public enum ProtocolLimits {
    /// The protocol version this build speaks; exchanged first with `hello`.
    public static let version = 1
    /// Default maximum size of one line (one JSON frame), newline excluded.
    public static let defaultMaxLineBytes = 64 * 1024
    /// Maximum length of message text, in characters.
    public static let maxMessageCharacters = 4096
    /// Seconds an unanswered private-messaging request stays valid.
    public static let privateRequestLifetime: Double = 60
}
