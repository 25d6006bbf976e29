/// Machine-readable reasons a request failed. The raw value is what travels on the wire;
/// `ErrorCode.text(subject:)` gives the human text the SPEC prescribes.
public enum ErrorCode: String, Codable, Sendable, CaseIterable {
    // Protocol level.
    case malformedRequest = "malformed_request"
    case lineTooLong = "line_too_long"
    case unsupportedVersion = "unsupported_version"
    case helloRequired = "hello_required"
    case notLoggedIn = "not_logged_in"
    case alreadyAuthenticated = "already_authenticated"
    case invalidCommand = "invalid_command"
    case invalidArguments = "invalid_arguments"
    case storeFailure = "store_failure"
    case busy = "busy"
    case rateLimited = "rate_limited"
    case tooManyLoginAttempts = "too_many_login_attempts"
    case tooManyRegistrations = "too_many_registrations"
    /// Plain text sent to a server that speaks TLS; the connection is closed after this reply.
    case tlsRequired = "tls_required"

    // Logging in and registering.
    case invalidUsername = "invalid_username"
    case invalidPassword = "invalid_password"
    case wrongPassword = "wrong_password"
    case accountLockedNow = "account_locked_now"
    case accountLocked = "account_locked"
    case newUser = "new_user"
    case invalidUser = "invalid_user"
    case passwordMismatch = "password_mismatch"
    case usernameTaken = "username_taken"
    case alreadyLoggedIn = "already_logged_in"
    /// `resume` with a token the server does not hold for the user (used, expired, ended by a logout or a
    /// password reset): the client logs in with the password instead.
    case resumeRefused = "resume_refused"

    // Changing a password.
    case wrongCurrentPassword = "wrong_current_password"
    case passwordChangeLocked = "password_change_locked"
    case tooManyPasswordChanges = "too_many_password_changes"

    // Messaging.
    case cannotMessageSelf = "cannot_message_self"
    case blockedByRecipient = "blocked_by_recipient"
    case messageTooLong = "message_too_long"
    case mailboxFull = "mailbox_full"
    /// The sender has as many messages waiting for offline users as one user may have waiting.
    case tooManyWaiting = "too_many_waiting"
    /// The server keeps as many waiting messages as its memory limit allows.
    case waitingStorageFull = "waiting_storage_full"

    // Blocking.
    case cannotBlockSelf = "cannot_block_self"
    case cannotUnblockSelf = "cannot_unblock_self"
    case notBlocked = "not_blocked"

    // Private sessions.
    case cannotPrivateSelf = "cannot_private_self"
    case userOffline = "user_offline"
    case blockedByUser = "blocked_by_user"
    case privateAlreadyActive = "private_already_active"
    case privateRequestPending = "private_request_pending"
    case privateNotEnabled = "private_not_enabled"
    case noPrivateRequest = "no_private_request"

    /// Not sent by this server: what a client makes of a code it does not know (a newer server's) or of a reply
    /// it cannot read at all, so the request still gets its one answer and the server's message is shown.
    case unrecognized = "unrecognized"

    /// The SPEC's text for this error. `subject` is the user the error is about, where the text names one.
    public func text(subject: String = "USER") -> String {
        switch self {
        case .malformedRequest: "Error. Malformed request"
        case .lineTooLong: "Error. Line too long (max \(ProtocolLimits.defaultMaxLineBytes) bytes)"
        case .unsupportedVersion: "Error. Unsupported protocol version (this server speaks \(ProtocolLimits.version))"
        case .helloRequired: "Error. Say hello first"
        case .notLoggedIn: "Error. Please log in first"
        case .alreadyAuthenticated: "Error. Already logged in on this connection"
        case .invalidCommand, .invalidArguments: "Error. Invalid command"
        case .storeFailure: "Error. The server could not store that; please try again"
        case .busy: "Error. The server is busy with this account; please try again"
        case .rateLimited: "Error. Too many requests; please slow down"
        case .tooManyLoginAttempts: "Error. Too many login attempts; please wait a minute and try again"
        case .tooManyRegistrations: "Error. Too many new accounts from your address; please try again later"
        case .tlsRequired: "Error. This server speaks TLS; connect with TLS (parley without --insecure-plaintext)"
        case .invalidUsername: "Error. Usernames are 1-32 characters of A-Z a-z 0-9 . _ -"
        case .invalidPassword: "Error. Passwords are 1-128 characters without spaces"
        case .wrongPassword: "Invalid Password. Please try again"
        case .accountLockedNow: "Invalid Password. Your account has been blocked. Please try again later"
        case .accountLocked: "Your account is blocked due to multiple login failures. Please try again later"
        case .newUser: "This is a new user. Please confirm your password: "
        case .invalidUser: "Error. Invalid user"
        case .passwordMismatch: "Passwords do not match. Please try again"
        case .usernameTaken: "Error. That username is taken; please choose another"
        case .alreadyLoggedIn: "This user is already logged in"
        case .resumeRefused: "The session could not be picked up again; please log in"
        case .wrongCurrentPassword: "Error. That is not your current password; your password was not changed"
        case .passwordChangeLocked:
            "Error. Too many wrong passwords; your account is locked for a while. Please try again later"
        case .tooManyPasswordChanges: "Error. Too many password changes; please wait a minute and try again"
        case .cannotMessageSelf: "Error. Cannot message yourself"
        case .blockedByRecipient: "Your message could not be delivered as the recipient has blocked you"
        case .messageTooLong: "Error. Message too long (max \(ProtocolLimits.maxMessageCharacters) characters)"
        case .mailboxFull: "Error. Too many messages are waiting for \(subject); try again once they have logged in"
        case .tooManyWaiting:
            "Error. Too many of your messages are waiting for users who are offline; try again once they have logged in"
        case .waitingStorageFull:
            "Error. The server cannot keep more messages for users who are offline now; please try again later"
        case .cannotBlockSelf: "Error. Cannot block self"
        case .cannotUnblockSelf: "Error. Cannot unblock self"
        case .notBlocked: "Error. \(subject) was not blocked"
        case .cannotPrivateSelf: "Error. Cannot start private messaging with yourself"
        case .userOffline: "Error. \(subject) is offline"
        case .blockedByUser: "Error. \(subject) has blocked you"
        case .privateAlreadyActive: "Error. Private messaging with \(subject) is already active"
        case .privateRequestPending: "Error. A private messaging request between you and \(subject) is already waiting"
        case .privateNotEnabled: "Error. Private messaging to \(subject) not enabled"
        case .noPrivateRequest: "Error. \(subject) has not asked to private message you"
        case .unrecognized: "Error. The server's answer could not be read"
        }
    }
}

/// The error half of a reply: a stable code and the human text. A code this build does not know decodes
/// as `unrecognized`, with the server's message kept, so a newer server's new errors still reach the user.
public struct ErrorBody: Codable, Sendable, Hashable {
    public var code: ErrorCode
    public var message: String

    private enum CodingKeys: String, CodingKey { case code, message }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = ErrorCode(rawValue: try container.decode(String.self, forKey: .code)) ?? .unrecognized
        message = try container.decode(String.self, forKey: .message)
    }

    public init(code: ErrorCode, message: String) {
        self.code = code
        self.message = message
    }

    public init(_ code: ErrorCode, subject: String = "USER") {
        self.init(code: code, message: code.text(subject: subject))
    }
}
