import GRDB

/// What a failed store write most likely means, for the operator's log: SQLite's result code in words and
/// what to look at. SQLite reports a disk without space as "database or disk is full", but a file that hit a
/// size limit, or a failing disk, as a plain I/O error.
public enum StoreFailureCause: Equatable, Sendable {
    case diskFull, ioError, readOnly, damaged, cannotOpen, unknown

    public init(_ error: any Error) {
        guard let error = error as? DatabaseError else {
            self = .unknown
            return
        }
        switch error.resultCode {
        case .SQLITE_FULL: self = .diskFull
        case .SQLITE_IOERR: self = .ioError
        case .SQLITE_READONLY: self = .readOnly
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: self = .damaged
        case .SQLITE_CANTOPEN: self = .cannotOpen
        default: self = .unknown
        }
    }

    /// A few words for the log.
    public var hint: String {
        switch self {
        case .diskFull: "the disk is full"
        case .ioError: "disk I/O error: is the disk full, the file over a size limit, or the disk failing?"
        case .readOnly: "the database file or its directory is read-only"
        case .damaged: "the database file is damaged"
        case .cannotOpen: "the database file cannot be opened"
        case .unknown: "is the disk full?"
        }
    }
}
