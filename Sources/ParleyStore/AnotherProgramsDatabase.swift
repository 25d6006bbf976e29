import GRDB

/// An SQLite database with tables of its own and none of Parley's: a mistyped `--database` naming another
/// program's data. Refused before anything is written to it (not even the journal mode).
public struct AnotherProgramsDatabase: Error, CustomStringConvertible {
    public let path: String
    /// A few of its tables, to recognise it by.
    public let tables: [String]

    static func refuse(_ db: Database, path: String) throws {
        let tables = try String.fetchAll(
            db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        guard !tables.isEmpty, !tables.contains("grdb_migrations") else { return }
        throw AnotherProgramsDatabase(path: path, tables: Array(tables.prefix(3)))
    }

    public var description: String {
        "the database \(path) belongs to another program (it has tables of its own, such as "
            + tables.joined(separator: ", ") + ", and none of Parley's); it was left untouched: give --database "
            + "a new file or a Parley database"
    }
}
