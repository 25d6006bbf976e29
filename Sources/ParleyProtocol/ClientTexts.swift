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
        "A bare y or n answers the oldest waiting private messaging request. Ctrl-C, or Ctrl-D on an empty line, logs out."
    /// `y` or `n` typed when nobody asked to private message.
    public static let noPendingConsent = "Error. No private messaging request is waiting"

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
    /// The direct connection to `user` could not be made or was not accepted.
    public static func privateConnectFailed(_ user: String) -> String {
        "Could not connect to \(user) for private messaging"
    }
    /// The client could not open its port for direct sessions, so it cannot offer one.
    public static func privateUnavailable(_ reason: String) -> String {
        "Error. Private messaging is not available: \(reason)"
    }
}
