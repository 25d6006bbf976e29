import Foundation
import ParleyCore
import ParleyStore
import ParleyStoreContract
import Testing

/// SPEC section 1: no plain-text password is ever written anywhere by Parley.
@Suite struct NoPlaintextTests {
    static let passwords = ["Plaintext-Secret-42", "imported-Passw0rd-77", "s3cond-Import-Pass"]

    @Test func theDatabaseFilesHoldNoPlaintextPassword() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("parley.db")
        do {
            let store = try SQLiteStore(path: path)
            let registered = StoreWrite.createAccount(
                name: "registered-user", passwordHash: PasswordHash(encoded: try fastHasher.hash(Self.passwords[0])),
                at: instant(0))
            let imported = try CredentialsImport.plan(
                contents: "imported-user \(Self.passwords[1])\nsecond-user \(Self.passwords[2])\n",
                existing: try store.accountNames(), hasher: fastHasher, now: instant(0))
            try store.apply([registered] + imported.writes)
            try store.apply([
                .setLockState(name: "registered-user", failedAttempts: 1, lockedUntil: nil),
                .recordLogin(name: "registered-user", at: instant(1)),
                .enqueue(
                    StoredMessage(
                        id: 1, sender: "imported-user", recipient: "second-user", text: "hi", sent: instant(2))),
            ])
            // While the store is open the data may sit in the write-ahead log.
            try expectNoPlaintext(in: directory)
        }
        // Closed, the log is folded into the main file.
        try expectNoPlaintext(in: directory)
    }

    private func expectNoPlaintext(in directory: TemporaryDirectory) throws {
        let files = try directory.bytesOfFiles(startingWith: "parley.db")
        #expect(!files.isEmpty)
        let everything = files.values.reduce(Data(), +)
        // The search does see the data that was written...
        #expect(everything.range(of: Data("registered-user".utf8)) != nil)
        #expect(everything.range(of: Data("second-user".utf8)) != nil)
        // ...and no password is among it.
        for password in Self.passwords {
            #expect(everything.range(of: Data(password.utf8)) == nil, "\(password)")
        }
    }
}
