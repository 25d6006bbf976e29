import Foundation
import ParleyProcess
import ParleyProtocol
import ParleyTesting
import Testing

/// A database file parleyd cannot use: it refuses to start (or to reset a password) with words an operator
/// can act on, and leaves the file as it was, so whatever can still be saved from it is.
@Suite struct DamagedDatabaseTests {
    let directory = TestDirectory.fresh()

    private func parleyd(_ arguments: [String], input: String = "") throws -> Child.Finished {
        try Child.run(Binaries.parleyd, arguments, input: input)
    }

    @Test func aFileThatIsNotADatabaseIsRefusedAndLeftAsItWas() throws {
        let database = directory.appendingPathComponent("parley.db")
        let contents = Data(repeating: 0x5A, count: 8192)
        try contents.write(to: database)
        let expected =
            "the database \(database.path) is damaged or is not a Parley database; restore it from a backup, or "
            + "give another --database (SQLite error 26: file is not a database)\n"

        let start = try parleyd(["0", "--host", "127.0.0.1", "--insecure-plaintext", "--database", database.path])
        #expect(start.status == 1)
        #expect(start.errors == "parleyd: cannot start: " + expected)
        #expect(start.output.isEmpty)

        let reset = try parleyd(
            ["--database", database.path, "--password-cost", "10", "--reset-password", "alice"], input: "n3w-pw\n")
        #expect(reset.status == 1)
        #expect(reset.errors == "parleyd: cannot reset the password: " + expected)
        #expect(try Data(contentsOf: database) == contents)
    }

    @Test func aDamagedPageIsFoundBeforeAnyoneIsServed() throws {
        let server = try ServerBinary(directory: directory, extraArguments: ["--insecure-plaintext"])
        #expect(try LineSocket.loggedIn("alice", port: server.port, password: "pw").request(.logout).ok)
        try server.stop()
        let database = server.databaseFile
        var contents = try Data(contentsOf: database)
        // Page 4 holds the accounts table (pages of 4 KiB): scribble over its header.
        contents.replaceSubrange(3 * 4096..<3 * 4096 + 64, with: Data(repeating: 0xFF, count: 64))
        try contents.write(to: database)

        let start = try parleyd(["0", "--host", "127.0.0.1", "--insecure-plaintext", "--database", database.path])
        #expect(start.status == 1)
        #expect(start.errors.hasPrefix("parleyd: cannot start: the database \(database.path) is damaged"))
        #expect(start.errors.contains("(SQLite error 11: database disk image is malformed)"))
        #expect(try Data(contentsOf: database) == contents)
    }

    @Test func aDirectoryInPlaceOfTheFileCannotBeOpened() throws {
        let database = directory.appendingPathComponent("parley.db")
        try FileManager.default.createDirectory(at: database, withIntermediateDirectories: false)
        let start = try parleyd(["0", "--host", "127.0.0.1", "--insecure-plaintext", "--database", database.path])
        #expect(start.status == 1)
        #expect(
            start.errors
                == "parleyd: cannot start: the database \(database.path) cannot be opened: is it a directory, or is "
                + "its directory missing or not writable? (SQLite error 14: unable to open database file)\n")
    }
}
