import Foundation

/// The console off a terminal (SPEC section 6): reads the username, the password and then commands one line
/// at a time from standard input, and writes every line of output, prompts included, to standard output
/// as it happens, so a session can be scripted. End of input ends the session.
public actor LineConsole: ClientConsole {
    private let requests = DispatchSemaphore(value: 0)
    private var deliver: (@Sendable (ConsoleInput) -> Void)?
    private let output: FileHandle

    public init(output: FileHandle = .standardOutput) {
        self.output = output
    }

    public func start(deliver: @escaping @Sendable (ConsoleInput) -> Void) {
        self.deliver = deliver
        // A blocking read of standard input gets a thread of its own; it reads one line per request.
        let thread = Thread { [requests] in
            while true {
                requests.wait()
                guard var line = readLine(strippingNewline: true) else { return deliver(.end) }
                if line.hasSuffix("\r") { line.removeLast() }
                deliver(.line(line))
            }
        }
        thread.name = "parley-stdin"
        thread.start()
    }

    public func requestLine(prompt: String, secret: Bool) {
        let shown = prompt.trimmingCharacters(in: .whitespaces)
        if !shown.isEmpty { show(shown) }
        requests.signal()
    }

    public func show(_ line: String) {
        output.write(Data((line + "\n").utf8))
    }

    public func stop() {}

    /// Ends the session as end of input would (a signal arrived).
    public func interrupt() {
        deliver?(.end)
    }
}
