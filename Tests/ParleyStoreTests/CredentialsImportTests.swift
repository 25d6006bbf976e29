import Foundation
import ParleyCore
import ParleyProtocol
import ParleyStore
import ParleyStoreContract
import Testing

/// Importing the prototype's `credentials.txt`: new accounts only, hashed, bad lines reported.
@Suite struct CredentialsImportTests {
    private func created(_ result: CredentialsImport.Result) -> [String: PasswordHash] {
        var accounts: [String: PasswordHash] = [:]
        for write in result.writes {
            if case .createAccount(let name, let hash, _) = write { accounts[name] = hash }
        }
        return accounts
    }

    @Test func newAccountsAreCreatedWithHashedPasswords() throws {
        let result = try CredentialsImport.plan(
            contents: "alice secret1\nbob secret2\n", existing: [], hasher: fastHasher, now: instant(7))
        #expect(result.writes.count == 2)
        #expect(result.skippedExisting == 0)
        #expect(result.rejectedLines.isEmpty)
        let accounts = created(result)
        #expect(fastHasher.verify("secret1", against: try #require(accounts["alice"]).encoded))
        #expect(fastHasher.verify("secret2", against: try #require(accounts["bob"]).encoded))
        #expect(!fastHasher.verify("secret2", against: try #require(accounts["alice"]).encoded))
        for write in result.writes {
            guard case .createAccount(_, let hash, let at) = write else {
                Issue.record("unexpected write \(write)")
                continue
            }
            #expect(at == instant(7))
            #expect(!hash.encoded.contains("secret"))
        }
    }

    @Test func existingAccountsAndRepeatedNamesAreSkippedAndBadLinesReported() throws {
        let contents = [
            "alice secret1",  // 1
            "bob secret2",  // 2: exists already
            "",  // 3: blank lines are fine
            "carol",  // 4: no password
            "d@ve secret4",  // 5: bad username
            "erin two words",  // 6: too many fields
            "alice other",  // 7: repeated in the file
            "  frank   secret6  ",  // 8: extra spaces are fine
            "grace\tsecret7",  // 9: a tab separates too
            "heidi " + String(repeating: "p", count: 129),  // 10: password too long
        ].joined(separator: "\n")
        let result = try CredentialsImport.plan(
            contents: contents, existing: ["bob"], hasher: fastHasher, now: instant(0))
        #expect(Set(created(result).keys) == ["alice", "frank", "grace"])
        #expect(result.skippedExisting == 1)
        #expect(result.repeatedLines == [7])
        #expect(result.rejectedLines == [4, 5, 6, 10])
        #expect(
            result.rejected.map(\.reason) == [
                "not two fields, `username password` (1 found)", ErrorCode.invalidUsername.text(),
                "not two fields, `username password` (3 found)", ErrorCode.invalidPassword.text(),
            ])
        #expect(fastHasher.verify("secret1", against: try #require(created(result)["alice"]).encoded))
    }

    @Test func windowsLineEndingsAreUnderstood() throws {
        let result = try CredentialsImport.plan(
            contents: "alice secret1\r\nbob secret2\r\n", existing: [], hasher: fastHasher, now: instant(0))
        #expect(Set(created(result).keys) == ["alice", "bob"])
        #expect(result.rejectedLines.isEmpty)
        #expect(fastHasher.verify("secret2", against: try #require(created(result)["bob"]).encoded))
    }

    @Test func anEmptyFileImportsNothing() throws {
        let result = try CredentialsImport.plan(contents: "", existing: [], hasher: fastHasher, now: instant(0))
        #expect(result.writes.isEmpty)
        #expect(result.rejectedLines.isEmpty)
    }

    @Test func importingTwiceIntoAStoreCreatesNothingTheSecondTime() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.path("parley.db"))
        let contents = "alice secret1\nbob secret2\n"
        let first = try CredentialsImport.plan(
            contents: contents, existing: try store.accountNames(), hasher: fastHasher, now: instant(0))
        try store.apply(first.writes)
        let second = try CredentialsImport.plan(
            contents: contents, existing: try store.accountNames(), hasher: fastHasher, now: instant(1))
        #expect(second.writes.isEmpty)
        #expect(second.skippedExisting == 2)
        let alice = try #require(try store.loadSnapshot(now: instant(2)).account("alice"))
        #expect(fastHasher.verify("secret1", against: alice.passwordHash.encoded))
    }
}
