/// The client's commands (SPEC section 3, plus the answers to a consent request from section 5).
public enum CommandTable {
    public static let commands: [CommandSpec] = [
        CommandSpec("message", [.user, .text], help: "Send TEXT to USER; kept until they log in if they are offline") {
            .message(to: $0.users[0], text: $0.text)
        },
        CommandSpec("broadcast", [.text], help: "Send TEXT to every other online user") {
            .broadcast(text: $0.text)
        },
        CommandSpec("whoelse", help: "List the other users online now") { _ in .whoelse },
        CommandSpec("whoelsesince", [.seconds], help: "List the other users online in the last SECONDS seconds") {
            .whoelsesince(seconds: $0.seconds)
        },
        CommandSpec("block", [.user], help: "Stop USER from messaging you or seeing you online") {
            .block(user: $0.users[0])
        },
        CommandSpec("unblock", [.user], help: "Undo a block of USER") { .unblock(user: $0.users[0]) },
        CommandSpec("blocked", help: "List the users you have blocked") { _ in .blocked },
        CommandSpec("startprivate", [.user], help: "Ask USER for an end-to-end encrypted private session") {
            .startPrivate(user: $0.users[0])
        },
        CommandSpec("private", [.user, .text], help: "Send TEXT to USER in the private session, sealed end to end") {
            .privateText(to: $0.users[0], text: $0.text)
        },
        CommandSpec("stopprivate", [.user], help: "End the private session with USER, or call off your request") {
            .stopPrivate(user: $0.users[0])
        },
        CommandSpec("privatekey", [.user], help: "Show the private session's fingerprint, to compare with USER") {
            .privateKey(user: $0.users[0])
        },
        CommandSpec("accept", [.user], help: "Accept USER's private messaging request") {
            .answer(user: $0.users[0], accept: true)
        },
        CommandSpec("decline", [.user], help: "Decline USER's private messaging request") {
            .answer(user: $0.users[0], accept: false)
        },
        CommandSpec("y", help: "Accept the oldest waiting private messaging request") { _ in .answerOldest(accept: true)
        },
        CommandSpec("n", help: "Decline the oldest waiting private messaging request") { _ in
            .answerOldest(accept: false)
        },
        CommandSpec("password", help: "Change your password (asks for the current one, then the new one twice)") {
            _ in .changePassword
        },
        CommandSpec("help", help: "Show this list") { _ in .help },
        CommandSpec("logout", help: "Log out and quit") { _ in .logout },
    ]

    private static let byName: [String: CommandSpec] = Dictionary(
        uniqueKeysWithValues: commands.map { ($0.name, $0) })

    public static func spec(named name: String) -> CommandSpec? { byName[name] }
}
