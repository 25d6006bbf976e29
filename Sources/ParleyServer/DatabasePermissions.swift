import Foundation

/// Whether users other than its owner can open the database file. New databases are made owner-only
/// (`SQLiteStore`), but one made by an earlier parleyd, or copied with a looser mode, gives the password
/// hashes and the waiting messages in it to everyone on the machine; parleyd says so in its log at start.
enum DatabasePermissions {
    /// The file's permission bits when its group or others have any, else `nil` (also when it cannot be read).
    static func tooOpen(_ path: String) -> mode_t? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        let permissions = status.st_mode & 0o777
        return permissions & 0o077 == 0 ? nil : permissions
    }

    /// The warning for the log.
    static func warning(path: String, mode: mode_t) -> String {
        "the database \(path) can be opened by other users of this machine (mode \(String(mode, radix: 8))); it "
            + "holds password hashes and waiting messages: chmod 600 \(path)"
    }
}
