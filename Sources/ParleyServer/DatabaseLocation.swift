import Foundation
import Logging
import ParleyPostgres
import ParleyStore

/// Where parleyd keeps its data: an SQLite file (the default: nothing to set up), or a PostgreSQL database for
/// operators who run one (`--database postgres://USER@HOST:PORT/DATABASE`).
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresLocation)

    /// Reads `--database`: a PostgreSQL URL, or else a file name.
    public init(argument: String) throws {
        self =
            PostgresLocation.isURL(argument) ? .postgres(try PostgresLocation(url: argument)) : .sqlite(path: argument)
    }

    /// The file's path, or the URL without its password.
    public var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let location): location.description
        }
    }

    /// The SQLite file, if that is where the data is.
    public var sqlitePath: String? {
        if case .sqlite(let path) = self { path } else { nil }
    }

    /// Where files that go with the data live (the self-signed certificate): beside an SQLite file, and in the
    /// working directory for a database on a server.
    var directoryForFiles: URL {
        switch self {
        case .sqlite(let path): URL(fileURLWithPath: path).deletingLastPathComponent()
        case .postgres: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        }
    }

    /// Opens the store, creating and migrating its schema if needed, with SQLite's refusals worded for the
    /// operator (`DatabaseUnusable`; PostgreSQL's are `PostgresStoreFailure`).
    func openStore(logger: Logger) throws -> any ChatStore {
        switch self {
        case .sqlite(let path): try DatabaseUnusable.checking(path) { try SQLiteStore(path: path) }
        case .postgres(let location): try PostgresStore(location: location, logger: logger)
        }
    }

    /// Keeps a second parleyd off the data: a lock file beside an SQLite database; a PostgreSQL store holds an
    /// advisory lock of its own for as long as it is open.
    func lock() throws -> DatabaseLock? {
        try sqlitePath.map(DatabaseLock.acquire)
    }
}
