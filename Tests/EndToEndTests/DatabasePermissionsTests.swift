import Foundation
import ParleyProtocol
import ParleyTesting
import Testing

/// The database holds password hashes and private messages waiting for their recipient: parleyd makes it
/// readable by its owner only, and says so in its log when it finds one that others can open.
@Suite struct DatabasePermissionsTests {
    let directory = TestDirectory.fresh()

    private func mode(_ path: String) throws -> Int? {
        try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    }

    @Test func aNewDatabaseIsTheOwnersAloneAndALooseOneIsReported() throws {
        let first = try ServerBinary(directory: directory, extraArguments: ["--insecure-plaintext"])
        let database = first.databaseFile.path
        #expect(try LineSocket.loggedIn("alice", port: first.port, password: "pw").request(.logout).ok)
        for file in [database, database + "-wal", database + "-shm"] {
            #expect(try mode(file) == 0o600, "\(file)")
        }
        try first.stop()
        #expect(try !first.log().contains("can be opened by other users"))

        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: database)
        let second = try ServerBinary(directory: directory, extraArguments: ["--insecure-plaintext"])
        #expect(try LineSocket.loggedIn("alice", port: second.port, password: "pw").request(.logout).ok)
        try second.stop()
        #expect(
            try second.log().contains(
                "the database \(database) can be opened by other users of this machine (mode 644); it holds "
                    + "password hashes and waiting messages: chmod 600 \(database)"))
        #expect(try mode(database) == 0o644)  // The operator's to change.
    }
}
