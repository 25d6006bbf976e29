import Foundation

/// The fingerprints a user has trusted, per `host:port`, like SSH's `known_hosts`: one
/// `HOST:PORT FINGERPRINT` per line in `parley/known_hosts` under the user's configuration directory
/// (`$XDG_CONFIG_HOME`, else `$HOME/.config`).
public struct KnownHosts: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// The default file for the current user.
    public static var standard: KnownHosts { standard(in: ProcessInfo.processInfo.environment) }

    /// The default file as the XDG base directory rules place it: under `XDG_CONFIG_HOME` when that is an
    /// absolute path, else under `$HOME/.config`, else under the account's home directory. (Foundation's
    /// own idea of the home directory comes from the password database and ignores `$HOME`.)
    public static func standard(in environment: [String: String]) -> KnownHosts {
        let configuration: URL
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") {
            configuration = URL(fileURLWithPath: xdg)
        } else if let home = environment["HOME"], home.hasPrefix("/") {
            configuration = URL(fileURLWithPath: home).appendingPathComponent(".config")
        } else {
            configuration = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".config")
        }
        return KnownHosts(path: configuration.appendingPathComponent("parley/known_hosts").path)
    }

    /// The file exists but cannot be read as a list of servers: the client must neither trust on first use
    /// as if it knew no server, nor write over the file (which would forget every server in it).
    public struct Unreadable: Error, CustomStringConvertible, Equatable {
        public let path: String
        public let reason: String
        public init(path: String, reason: String) {
            self.path = path
            self.reason = reason
        }

        public var description: String { "cannot read \(path): \(reason)" }
    }

    /// The fingerprint remembered for `endpoint`, if any; throws `Unreadable` when the file exists but
    /// cannot be read.
    public func fingerprint(for endpoint: String) throws -> CertificateFingerprint? {
        try lines().lazy.compactMap(Self.entry).first { $0.endpoint == endpoint }?.fingerprint
    }

    /// Records (or replaces) the fingerprint for `endpoint`. Every other line of the file is kept as it was,
    /// lines this client does not understand included (a comment, say).
    public func remember(_ fingerprint: CertificateFingerprint, for endpoint: String) throws {
        let kept = try lines().filter { Self.entry($0)?.endpoint != endpoint }
        let text = (kept + ["\(endpoint) \(fingerprint)"]).map { $0 + "\n" }.joined()
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url, options: .atomic)
    }

    /// The file's lines; none when there is no file yet.
    private func lines() throws -> [String] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = (error as NSError).localizedFailureReason ?? (error as NSError).localizedDescription
            throw Unreadable(path: path, reason: reason)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw Unreadable(path: path, reason: "it is not UTF-8 text")
        }
        return text.split(whereSeparator: \.isNewline).map(String.init)
    }

    /// `HOST:PORT FINGERPRINT`, or nil for a line of another kind.
    private static func entry(_ line: String) -> (endpoint: String, fingerprint: CertificateFingerprint)? {
        let fields = line.split(separator: " ")
        guard fields.count == 2, let fingerprint = CertificateFingerprint(parsing: String(fields[1])) else {
            return nil
        }
        return (String(fields[0]), fingerprint)
    }
}
