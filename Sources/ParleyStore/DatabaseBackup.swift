import Foundation
import GRDB

/// A consistent copy of a Parley database, taken while a parleyd may be serving it (`parleyd --backup FILE`).
///
/// SQLite's `VACUUM INTO` reads one snapshot of the database (what the server commits after it began is not
/// in the copy, and nothing half-written is) and writes it, compacted, to a new file. It takes no lock: a
/// second connection reading beside the server's is what WAL mode is for. The copy is made readable by its
/// owner only, like the database, and is on the disk when this returns.
public enum DatabaseBackup {
    /// What the copy holds.
    public struct Summary: Equatable, Sendable {
        public let accounts: Int
        public let waitingMessages: Int
    }

    public enum Failure: Error, CustomStringConvertible, Equatable {
        case noDatabase(String)
        case targetExists(String)
        case cannotCreate(String, reason: String)

        public var description: String {
            switch self {
            case .noDatabase(let path): "there is no database at \(path)"
            case .targetExists(let path): "\(path) already exists; give the name of a new file"
            case .cannotCreate(let path, let reason): "cannot create \(path): \(reason)"
            }
        }
    }

    /// Copies the database at `databasePath` to `target`, which must not exist yet. On any failure no
    /// file is left at `target`.
    public static func run(databasePath: String, to target: String) throws -> Summary {
        guard FileManager.default.fileExists(atPath: databasePath) else { throw Failure.noDatabase(databasePath) }
        // `VACUUM INTO` writes into an empty file that exists, so the copy gets this one's mode (0600).
        switch createOwnerOnly(target) {
        case nil: break
        case EEXIST: throw Failure.targetExists(target)
        case let error?: throw Failure.cannotCreate(target, reason: String(cString: strerror(error)))
        }
        do {
            // Counted in the copy, which also proves it opens; an error there is still about the source (not a
            // Parley database, say).
            let summary = try DatabaseUnusable.checking(databasePath) {
                let source = try DatabaseQueue(path: databasePath)
                defer { try? source.close() }
                try source.inDatabase { db in try db.execute(sql: "VACUUM INTO ?", arguments: [target]) }
                let copy = try DatabaseQueue(path: target)
                defer { try? copy.close() }
                return try copy.read { db in
                    Summary(
                        accounts: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM accounts") ?? 0,
                        waitingMessages: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM waiting_messages") ?? 0)
                }
            }
            try syncToDisk(target)
            return summary
        } catch {
            unlink(target)
            throw error
        }
    }

    /// The copy's bytes, and its name in its directory, on the disk (SQLite leaves a `VACUUM INTO` unsynced
    /// unless told otherwise).
    private static func syncToDisk(_ path: String) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        for name in [path, directory] {
            let descriptor = open(name, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw Failure.cannotCreate(path, reason: String(cString: strerror(errno))) }
            defer { _ = close(descriptor) }
            guard fsync(descriptor) == 0 else {
                throw Failure.cannotCreate(path, reason: String(cString: strerror(errno)))
            }
        }
    }
}
