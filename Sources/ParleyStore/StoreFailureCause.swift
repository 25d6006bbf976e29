import GRDB

/// What a failed store write most likely means, for the operator's log: SQLite's result code in words and
/// what to look at. SQLite reports a disk without space as "database or disk is full", but a file that hit a
/// size limit, or a failing disk, as a plain I/O error.
public enum StoreFailureCause: Equatable, Sendable {
    case diskFull, ioError, readOnly, damaged, cannotOpen, unknown
    /// A store other than SQLite said what its failure means (`ExplainedStoreFailure`).
    case explained(String)

    public init(_ error: any Error) {
        if let explained = error as? any ExplainedStoreFailure {
            self = .explained(explained.hint)
            return
        }
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
        case .explained(let hint): hint
        }
    }
}

/// A failure of a store that is not SQLite, which knows what it means for the operator's log.
public protocol ExplainedStoreFailure: Error {
    /// A few words for the log, as `StoreFailureCause.hint`.
    var hint: String { get }
}
