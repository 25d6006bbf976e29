import GRDB

/// The database could not be opened or read at start-up, told so an operator can act on it: what is wrong
/// with which file, what to do, and SQLite's own words last (for a search). parleyd prints it when it cannot
/// start, reset a password or make a backup; errors that are not SQLite's pass through `checking` unchanged.
public struct DatabaseUnusable: Error, CustomStringConvertible {
    public let path: String
    public let cause: StoreFailureCause
    /// SQLite's result code and message, e.g. "SQLite error 26: file is not a database".
    public let sqlite: String

    public init(path: String, error: DatabaseError) {
        self.path = path
        cause = StoreFailureCause(error)
        sqlite = "SQLite error \(error.extendedResultCode.rawValue): \(error.message ?? "\(error.resultCode)")"
    }

    /// Runs `body`, which opens or reads the database at `path`, and words what SQLite refuses.
    public static func checking<Result>(_ path: String, _ body: () throws -> Result) throws -> Result {
        do {
            return try body()
        } catch let error as DatabaseError {
            throw DatabaseUnusable(path: path, error: error)
        }
    }

    public var description: String {
        switch cause {
        case .damaged:
            "the database \(path) is damaged or is not a Parley database; restore it from a backup, or give "
                + "another --database (\(sqlite))"
        case .cannotOpen:
            "the database \(path) cannot be opened: is it a directory, or is its directory missing or not "
                + "writable? (\(sqlite))"
        case .readOnly:
            "the database \(path) is read-only: parleyd must be able to write it and its directory (\(sqlite))"
        case .diskFull:
            "the disk that holds the database \(path) is full; make room and start again (\(sqlite))"
        case .ioError:
            "the database \(path) cannot be read or written: is the disk failing, or the file over a size "
                + "limit? (\(sqlite))"
        case .unknown, .explained:
            "the database \(path) cannot be used (\(sqlite))"
        }
    }
}
