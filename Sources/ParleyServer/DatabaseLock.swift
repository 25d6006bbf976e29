import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Keeps a second parleyd off a database this one serves. Two servers on one database would each keep their
/// own picture of it in memory (accounts, waiting messages, their ids) and trample each other's writes, so
/// each holds an exclusive `flock` on `DATABASE.lock` while it runs, with its process id inside for the
/// message the second one prints. The kernel drops the lock when the process ends, however it ends (`kill -9`
/// included), so a file left behind never blocks a start; it is never deleted, since deleting it could let
/// two servers lock two different files of the same name.
final class DatabaseLock: Sendable {
    private let descriptor: Mutex<CInt?>

    private init(descriptor: CInt) {
        self.descriptor = Mutex(descriptor)
    }

    /// Locks `databasePath`'s lock file, or throws `DatabaseInUse` naming the process that holds it. The lock
    /// file sits beside the database's real file, whatever symbolic links the path goes through: two paths to
    /// one database must meet at one lock.
    static func acquire(for databasePath: String) throws -> DatabaseLock {
        let path = realPath(of: databasePath) + ".lock"
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw SystemCallError(
                "cannot make the lock file \(path) beside the database (is its directory missing or not writable?)",
                errno)
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            let holder = readHolder(descriptor)
            close(descriptor)
            if code == EWOULDBLOCK { throw DatabaseInUse(databasePath: databasePath, holder: holder) }
            throw SystemCallError("cannot lock \(path)", code)
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        return DatabaseLock(descriptor: descriptor)
    }

    /// Lets another server have the database. Safe to call more than once.
    func release() {
        descriptor.withLock { descriptor in
            guard let open = descriptor else { return }
            // Unlocked first: closing drops the lock only once every copy of the descriptor is closed, and a
            // process being spawned holds a copy until its exec closes it (O_CLOEXEC).
            _ = flock(open, LOCK_UN)
            close(open)
            descriptor = nil
        }
    }

    deinit {
        release()
    }

    /// `path` with every symbolic link resolved: the file's if it exists, else its directory's with the name
    /// added (a database not created yet); as given if neither resolves (the open then says why).
    static func realPath(of path: String) -> String {
        if let resolved = resolved(path) { return resolved }
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { path[..<$0].isEmpty ? "/" : String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard let resolvedDirectory = resolved(directory) else { return path }
        return (resolvedDirectory == "/" ? "" : resolvedDirectory) + "/" + name
    }

    private static func resolved(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    private static func readHolder(_ descriptor: CInt) -> String? {
        var bytes = [UInt8](repeating: 0, count: 32)
        let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        let text = String(decoding: bytes[..<count].prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        return text.isEmpty ? nil : text
    }
}

/// Another parleyd serves this database.
struct DatabaseInUse: Error, CustomStringConvertible {
    let databasePath: String
    /// The other server's process id, as it wrote it.
    let holder: String?

    var description: String {
        let process = holder.map { " (process \($0))" } ?? ""
        return "the database \(databasePath) is in use by another parleyd\(process); stop that one first, "
            + "or give this one another --database"
    }
}
