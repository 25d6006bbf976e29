import Foundation
import GRDB
import ParleyCore
import Testing

@testable import ParleyStore

/// `parleyd --backup`: a copy of the database taken while its store is open and writing.
@Suite struct DatabaseBackupTests {
    private let sent = Date(timeIntervalSince1970: 1_800_000_000)

    private func account(_ name: String) -> StoreWrite {
        .createAccount(name: name, passwordHash: PasswordHash(encoded: "scrypt$1024$8$1$s$h-\(name)"), at: sent)
    }

    @Test func aCopyTakenWhileTheStoreIsOpenHoldsEverythingCommitted() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.path("parley.db"))
        try store.apply([
            account("alice"), account("bob"),
            .enqueue(StoredMessage(id: 1, sender: "alice", recipient: "bob", text: "wait for me", sent: sent)),
        ])
        let summary = try DatabaseBackup.run(databasePath: directory.path("parley.db"), to: directory.path("copy.db"))
        #expect(summary == DatabaseBackup.Summary(accounts: 2, waitingMessages: 1))
        // The store carries on, and the copy keeps what it had.
        try store.apply([account("carol")])

        let mode = try FileManager.default.attributesOfItem(atPath: directory.path("copy.db"))[.posixPermissions]
        #expect(mode as? Int == 0o600)
        let copy = try SQLiteStore(path: directory.path("copy.db")).loadSnapshot(now: sent)
        #expect(copy.accounts.map(\.name).sorted() == ["alice", "bob"])
        #expect(copy.waitingMessages.map(\.text) == ["wait for me"])
    }

    @Test func anExistingFileIsNeverOverwritten() throws {
        let directory = try TemporaryDirectory()
        _ = try SQLiteStore(path: directory.path("parley.db"))
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: directory.path("copy.db")))
        #expect(throws: DatabaseBackup.Failure.targetExists(directory.path("copy.db"))) {
            try DatabaseBackup.run(databasePath: directory.path("parley.db"), to: directory.path("copy.db"))
        }
        #expect(try String(contentsOfFile: directory.path("copy.db"), encoding: .utf8) == "keep me")
    }

    @Test func noDatabaseOrNotAParleyOneLeavesNoCopy() throws {
        let directory = try TemporaryDirectory()
        #expect(throws: DatabaseBackup.Failure.noDatabase(directory.path("none.db"))) {
            try DatabaseBackup.run(databasePath: directory.path("none.db"), to: directory.path("copy.db"))
        }
        try DatabaseQueue(path: directory.path("other.db")).write { db in
            try db.execute(sql: "CREATE TABLE notes (text TEXT)")
        }
        #expect(throws: DatabaseUnusable.self) {
            try DatabaseBackup.run(databasePath: directory.path("other.db"), to: directory.path("copy.db"))
        }
        #expect(!FileManager.default.fileExists(atPath: directory.path("copy.db")))
    }
}
