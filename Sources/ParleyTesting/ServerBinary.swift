import Foundation
import ParleyProcess

#if canImport(Glibc)
    import Glibc
#endif

/// Where `swift build` put `parley` and `parleyd` for this test run: beside the test bundle.
public enum Binaries {
    public static let directory: URL = {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("parley").path), url.path != "/" {
            url.deleteLastPathComponent()
        }
        return url
    }()

    public static var parley: URL { directory.appendingPathComponent("parley") }
    public static var parleyd: URL { directory.appendingPathComponent("parleyd") }
}

/// The real `parleyd`, on a free port, with its database (and self-signed certificate) in a directory of its
/// own that is also its working directory, so relative paths in `extraArguments` resolve there.
public final class ServerBinary: Sendable {
    public let child: Child
    public let port: Int
    /// The TLS certificate's fingerprint as parleyd prints it; `nil` with `--insecure-plaintext`.
    public let fingerprint: String?
    public let output: Transcript
    /// Standard error: where parleyd writes its log.
    public let errors: Transcript
    /// Holds the database (and the self-signed certificate).
    public let directory: URL

    /// Starts parleyd in `directory` (a fresh temporary one by default; pass the same one again, and the same
    /// `port`, to restart it as it was; `database`, a PostgreSQL URL, instead of the directory's file) and waits, bounded, for its ready lines.
    ///
    /// With `fileSizeLimit` (bytes, a multiple of 512) parleyd cannot make any file larger than that, as on a
    /// full disk: a shell lowers `RLIMIT_FSIZE` and ignores SIGXFSZ before it becomes parleyd, so a write
    /// past the limit fails with `EFBIG` instead of killing it. Unprivileged, unlike a small file system,
    /// and only the soft limit, so `freeDiskSpace()` can lift it again. With `openFileLimit` parleyd may hold
    /// only that many descriptors (`ulimit -n`), as a server out of them. With `ignoringHangup` it starts with
    /// SIGHUP ignored, as `nohup` starts a program.
    public init(
        directory: URL? = nil, host: String = "127.0.0.1", port: Int = 0, extraArguments: [String] = [],
        fileSizeLimit: Int? = nil, openFileLimit: Int? = nil, ignoringHangup: Bool = false, database: String? = nil
    ) throws {
        let directory = directory ?? TestDirectory.fresh()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.directory = directory
        let stdout = Pipe()
        let stderr = Pipe()
        let arguments =
            [
                "\(port)", "--host", host, "--database", database ?? directory.appendingPathComponent("parley.db").path,
                "--password-cost", "10",
            ] + extraArguments
        // What a shell sets before it becomes parleyd (POSIX `ulimit -f` counts 512-byte blocks); nothing, most often.
        let limits = [
            fileSizeLimit.map { "trap '' XFSZ; ulimit -S -f \($0 / 512)" },
            openFileLimit.map { "ulimit -S -n \($0)" },
            ignoringHangup ? "trap '' HUP" : nil,
        ].compactMap { $0 }
        let executable: URL
        let commandLine: [String]
        if !limits.isEmpty {
            executable = URL(fileURLWithPath: "/bin/sh")
            commandLine =
                ["-c", (limits + ["exec \"$0\" \"$@\""]).joined(separator: "; "), Binaries.parleyd.path] + arguments
        } else {
            executable = Binaries.parleyd
            commandLine = arguments
        }
        child = try Child(executable, commandLine) { options in
            options.directory = directory
            options.standardOutput = .pipe(stdout)
            options.standardError = .pipe(stderr)
        }
        output = Transcript(reading: stdout.fileHandleForReading.fileDescriptor)
        errors = Transcript(reading: stderr.fileHandleForReading.fileDescriptor)
        try output.expect("parleyd listening on \(host.contains(":") ? "[\(host)]" : host):")
        try output.expect("\n")
        try output.expect("TLS ")
        try output.expect("\n")
        let lines = output.text.split(separator: "\n")
        let line = lines.first { $0.hasPrefix("parleyd listening on ") } ?? ""
        guard let port = line.split(separator: ":").last.flatMap({ Int($0) }) else {
            throw TimedOut("no port in \(line)")
        }
        self.port = port
        let prefix = "TLS certificate SHA-256 fingerprint: "
        fingerprint = lines.first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
    }

    /// Lifts the `fileSizeLimit` parleyd was started with, as if space had been freed on its disk (with
    /// util-linux's `prlimit`: the C function is a GNU extension Swift's Glibc module does not show).
    public func freeDiskSpace() throws {
        let prlimit = try Child(
            URL(fileURLWithPath: "/usr/bin/prlimit"),
            ["--pid", "\(child.pid)", "--fsize=unlimited"])
        guard try prlimit.waitForExit() == 0 else { throw TimedOut("prlimit could not lift the file size limit") }
    }

    /// The database file parleyd uses.
    public var databaseFile: URL { directory.appendingPathComponent("parley.db") }

    /// Everything parleyd wrote to standard error, once it has exited and closed it.
    public func log() throws -> String {
        try errors.waitForEnd()
        return errors.text
    }

    /// SIGTERM, then a bounded wait for the exit.
    public func stop() throws {
        child.signal(SIGTERM)
        _ = try child.waitForExit()
    }

    /// A TCP port on 127.0.0.1 that nobody listens on (bound, then closed at once).
    public static func unusedPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else { throw TimedOut("could not find a free port: \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
