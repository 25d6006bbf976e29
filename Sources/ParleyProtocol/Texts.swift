/// Every non-error text a user sees, in one place, so the SPEC's wording is checked once.
public enum Texts {
    public static let usernamePrompt = "Username: "
    public static let passwordPrompt = "Password: "
    public static let confirmPasswordPrompt = "This is a new user. Please confirm your password: "
    public static let welcome = "Welcome to the greatest messaging application ever!"
    public static let goodbye = "Goodbye"
    public static let inactivityLogout = "You have been logged out due to inactivity"
    public static let serverShutdown = "The server is shutting down"
    public static let connectionLost = "Connection to the server was lost"
    public static let noOtherUsersOnline = "No other users are online"
    public static let broadcastPartlyBlocked = "Your message could not be delivered to some recipients"
    public static let noBlockedUsers = "You have not blocked anyone"

    // Changing a password (the `password` command).
    public static let currentPasswordPrompt = "Current password: "
    public static let newPasswordPrompt = "New password: "
    public static let confirmNewPasswordPrompt = "New password again: "
    public static let passwordChanged = "Your password has been changed"
    public static let passwordUnchanged = "Your password was not changed"

    public static func noOtherUsersSince(_ seconds: Int) -> String {
        "No other users were online in the last \(seconds) seconds"
    }
    public static func storedForLater(_ user: String) -> String {
        "\(user) is offline; the message will be delivered when they log in"
    }
    public static func blocked(_ user: String) -> String { "\(user) is blocked" }
    public static func unblocked(_ user: String) -> String { "\(user) is unblocked" }
    public static func loggedIn(_ user: String) -> String { "\(user) logged in" }
    public static func loggedOut(_ user: String) -> String { "\(user) logged out" }
    public static func cannotConnect(host: String, port: Int, reason: String) -> String {
        "Cannot connect to \(endpoint(host: host, port: port)): \(reason)"
    }
    /// `HOST:PORT` as people and URLs write it: an IPv6 address in brackets (`[::1]:4000`), so the port is
    /// not taken for the address's last group.
    public static func endpoint(host: String, port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    // Private sessions (SPEC section 5).
    public static func waitingForConsent(_ user: String) -> String {
        "Waiting for \(user) to accept private messaging"
    }
    public static func consentQuestion(_ user: String) -> String {
        "\(user) would like to private message, enter y or n: "
    }
    public static func consentExpired(_ user: String) -> String {
        "\(user) did not answer the private messaging request"
    }
    public static func consentDeclined(_ user: String) -> String { "\(user) declined private messaging" }
    public static func privateStarted(_ user: String) -> String { "Start private messaging with \(user)" }
    public static func privateEnded(_ user: String) -> String { "Private messaging with \(user) has ended" }
    public static func privatePeerLoggedOut(_ user: String) -> String {
        "\(user) logged out, private messaging ended"
    }
}
