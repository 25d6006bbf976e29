import Foundation
import ParleyProcess
import ParleyTesting

#if canImport(Glibc)
    import Glibc
#endif

/// `parley` running under a pseudo-terminal, typed at like a person: raw key bytes in, the screen's bytes
/// (escape sequences included) out.
final class TerminalClient: Sendable {
    let child: Child
    let screen: Transcript
    private let master: Int32
    private let terminal: Int32

    /// `parley PORT ARGUMENTS...`, with `configHome` as its `XDG_CONFIG_HOME` (where it remembers servers).
    init(port: Int, arguments: [String] = [], configHome: URL? = nil, columns: UInt16 = 100) throws {
        var master: Int32 = -1
        var terminal: Int32 = -1
        var size = winsize(ws_row: 40, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&master, &terminal, nil, nil, &size) == 0 else { throw TimedOut("openpty failed: \(errno)") }
        self.master = master
        self.terminal = terminal
        let handle = FileHandle(fileDescriptor: terminal, closeOnDealloc: false)
        child = try Child(Binaries.parley, [String(port)] + arguments) { options in
            options.standardInput = .handle(handle)
            options.standardOutput = .handle(handle)
            options.standardError = .handle(handle)
            if let configHome {
                options.environment = ProcessInfo.processInfo.environment.merging(
                    ["XDG_CONFIG_HOME": configHome.path]) { $1 }
            }
        }
        screen = Transcript(reading: master)
    }

    /// Sends keys exactly as given (`\r` is Enter, `\u{03}` is Ctrl-C).
    func type(_ keys: String) {
        let bytes = Array(keys.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
            guard written > 0 else { return }
            offset += written
        }
    }

    func expect(_ text: String, within seconds: Double = 15) throws {
        try screen.expect(text, within: seconds)
    }

    /// Makes the terminal `columns` wide and tells the client, as a terminal window being resized does (the
    /// kernel signals only a terminal's own session, and the client here is not in it, so the test does).
    func resize(columns: UInt16) {
        var size = winsize(ws_row: 40, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
        child.signal(SIGWINCH)
    }

    /// The terminal's settings as the client left them.
    var settings: termios {
        var settings = termios()
        _ = tcgetattr(terminal, &settings)
        return settings
    }

    deinit {
        close(master)
        close(terminal)
    }
}

/// `parley` with its standard input and output on pipes, as a script runs it.
final class PipedClient: Sendable {
    let child: Child
    let output: Transcript
    let errors: Transcript
    private let input: FileHandle

    init(port: Int, arguments: [String] = [], configHome: URL? = nil) throws {
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        child = try Child(Binaries.parley, [String(port)] + arguments) { options in
            options.standardInput = .pipe(stdin)
            options.standardOutput = .pipe(stdout)
            options.standardError = .pipe(stderr)
            if let configHome {
                options.environment = ProcessInfo.processInfo.environment.merging(
                    ["XDG_CONFIG_HOME": configHome.path]) { $1 }
            }
        }
        input = stdin.fileHandleForWriting
        output = Transcript(reading: stdout.fileHandleForReading.fileDescriptor)
        errors = Transcript(reading: stderr.fileHandleForReading.fileDescriptor)
    }

    func send(_ lines: String...) {
        for line in lines { input.write(Data((line + "\n").utf8)) }
    }

    /// Waits for `line` as a whole line of output.
    func expectLine(_ line: String, within seconds: Double = 15) throws {
        try output.expectLine(line, within: seconds)
    }

    func endInput() {
        try? input.close()  // Closing twice is harmless here; the point is that the client sees end of input.
    }
}
