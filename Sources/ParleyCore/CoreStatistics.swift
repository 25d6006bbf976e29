/// Running totals of what the core has done since the server started, for the server's metrics. Plain
/// counters the core bumps as it decides, so reading them costs nothing on the hot path.
public struct CoreStatistics: Sendable, Hashable {
    /// Requests from clients, refused ones included.
    public var requests = 0
    /// Requests refused because their connection sent too fast.
    public var rateLimitedRequests = 0
    public var logins = 0
    /// Sessions picked up again with a resume token after a lost connection or a restart.
    public var resumes = 0
    public var registrations = 0
    /// Wrong passwords, at login or when changing one.
    public var wrongPasswords = 0
    /// Accounts locked by their last wrong password.
    public var lockouts = 0
    /// `message`s handed to an online recipient.
    public var directMessages = 0
    /// `message`s stored for an offline recipient (one whose store write failed is taken back).
    public var storedMessages = 0
    /// Waiting messages handed over when their recipient logged in.
    public var waitingMessagesDelivered = 0
    public var broadcasts = 0
    /// Copies of broadcasts handed to recipients.
    public var broadcastDeliveries = 0
    /// Messages relayed between the peers of a private session, which the server cannot read.
    public var relayedFrames = 0

    public init() {}
}
