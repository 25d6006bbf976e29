import Foundation
import ParleyProcess
import ParleyProtocol
import ParleyTesting
import Testing

/// `parleyd --backup FILE` while the server runs: the copy is one file another parleyd can start on.
@Suite struct BackupTests {
    let directory = TestDirectory.fresh()

    @Test func aCopyTakenWhileServingStartsAServerWithEverythingInIt() throws {
        let server = try ServerBinary(directory: directory, extraArguments: ["--insecure-plaintext"])
        #expect(try LineSocket.loggedIn("bob", port: server.port).request(.logout).ok)
        let alice = try LineSocket.loggedIn("alice", port: server.port)
        #expect(try alice.request(.message(to: "bob", text: "wait for me")).ok)

        let elsewhere = TestDirectory.fresh()
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        let copy = elsewhere.appendingPathComponent("parley.db").path
        let database = server.databaseFile.path
        let backup = try Child.run(Binaries.parleyd, ["--database", database, "--backup", copy])
        #expect(backup.status == 0)
        #expect(backup.output == "\(database) backed up to \(copy): 2 accounts, 1 waiting message.\n")
        #expect(backup.errors.isEmpty)
        // The server did not notice.
        #expect(try alice.request(.whoelse).ok)

        let again = try Child.run(Binaries.parleyd, ["--database", database, "--backup", copy])
        #expect(again.status == 1)
        #expect(
            again.errors
                == "parleyd: cannot back up the database: \(copy) already exists; give the name of a new file\n")
        try server.stop()

        let restored = try ServerBinary(directory: elsewhere, extraArguments: ["--insecure-plaintext"])
        #expect(try LineSocket.waitingTexts(for: "bob", port: restored.port) == ["wait for me"])
        try restored.stop()
    }
}
