#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A terminal switched to raw mode: keys arrive one by one, unechoed, with Ctrl-C and Ctrl-D as plain bytes,
/// so the line editor decides what they mean. Output is written as is (the editor sends its own CR LF).
/// `restore()` puts back the settings found at `enable`.
public struct RawMode: Sendable {
    public struct Failure: Error, Sendable {
        public let errno: Int32
    }

    private let descriptor: Int32
    private let original: termios
    private let raw: termios

    public static func enable(on descriptor: Int32) throws(Failure) -> RawMode {
        var settings = termios()
        guard tcgetattr(descriptor, &settings) == 0 else { throw Failure(errno: errno) }
        let original = settings
        settings.c_lflag &= ~tcflag_t(ECHO | ICANON | ISIG | IEXTEN)
        settings.c_iflag &= ~tcflag_t(IXON | ICRNL | INLCR | IGNCR | BRKINT | ISTRIP)
        settings.c_oflag &= ~tcflag_t(OPOST)
        withUnsafeMutableBytes(of: &settings.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        guard tcsetattr(descriptor, TCSADRAIN, &settings) == 0 else { throw Failure(errno: errno) }
        return RawMode(descriptor: descriptor, original: original, raw: settings)
    }

    /// Puts raw mode back after `restore` (the process was stopped and continued, and its shell had the
    /// terminal meanwhile), keeping the settings found at `enable` as the ones to restore at the end.
    public func reapply() {
        var settings = raw
        _ = tcsetattr(descriptor, TCSADRAIN, &settings)  // As in `restore`: a terminal gone ends the session anyway.
    }

    public func restore() {
        var settings = original
        // If the terminal is gone there is nothing left to restore, so the result is not checked.
        _ = tcsetattr(descriptor, TCSADRAIN, &settings)
    }

    /// The terminal's width in columns (80 if it cannot be asked).
    public static func columns(of descriptor: Int32) -> Int {
        var size = winsize()
        guard ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }
}
