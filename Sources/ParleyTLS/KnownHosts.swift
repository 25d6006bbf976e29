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

    public func fingerprint(for endpoint: String) -> CertificateFingerprint? {
        entries()[endpoint]
    }

    /// Records (or replaces) the fingerprint for `endpoint`.
    public func remember(_ fingerprint: CertificateFingerprint, for endpoint: String) throws {
        var all = entries()
        all[endpoint] = fingerprint
        let text = all.keys.sorted().map { "\($0) \(all[$0]!)\n" }.joined()
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url, options: .atomic)
    }

    private func entries() -> [String: CertificateFingerprint] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [:] }  // no file yet
        var result: [String: CertificateFingerprint] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: " ")
            guard fields.count == 2, let fingerprint = CertificateFingerprint(parsing: String(fields[1])) else {
                continue
            }
            result[String(fields[0])] = fingerprint
        }
        return result
    }
}
