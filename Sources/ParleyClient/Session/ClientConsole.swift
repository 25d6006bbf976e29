/// What the user did at the console.
public enum ConsoleInput: Sendable, Hashable {
    /// A line, without its line break.
    case line(String)
    /// Ctrl-C, Ctrl-D, a signal, or the end of piped input: the user wants out.
    case end
}

/// Where the session reads what the user types and shows what happens. A terminal line editor, the
/// line-by-line console for pipes, and a scripted console in tests all fit here, so the session itself
/// never touches a file descriptor.
///
/// The session asks for one line at a time with `requestLine`; the console answers through the `deliver`
/// function given to `start`, once per request. `.end` may be delivered at any time.
public protocol ClientConsole: Sendable {
    func start(deliver: @escaping @Sendable (ConsoleInput) -> Void) async
    /// Ask the user for the next line. `secret` input (passwords) is not echoed.
    func requestLine(prompt: String, secret: Bool) async
    /// Ask the user for the next command. A console that completes words (the terminal's) offers the commands'
    /// names and, where a command takes a USER, the names in `users`.
    func requestCommand(prompt: String, users: KnownUsers) async
    /// Whether it completes names, so the session should learn at login who is online.
    var completesNames: Bool { get }
    /// Show one line of output (above the line being typed, on a terminal).
    func show(_ line: String) async
    /// The session is over: restore whatever `start` changed.
    func stop() async
}

extension ClientConsole {
    /// Without completion, a command is a line like any other.
    public func requestCommand(prompt: String, users: KnownUsers) async {
        await requestLine(prompt: prompt, secret: false)
    }

    public var completesNames: Bool { false }
}
