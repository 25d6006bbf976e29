import Foundation
import ParleyCore
import ParleyStore
import ParleyTesting
import Testing

/// The server forgets sessions of the login history older than it keeps, and nothing users see changes.
@Suite struct LoginHistoryRetentionTests {
    @Test func oldSessionsAreForgottenAtTheStartAndWhoElseSinceStillKnowsTheLastOne() async throws {
        let path = TestDirectory.path("history.db")
        let tenDaysAgo = Date(timeIntervalSinceNow: -10 * 24 * 3600)
        var writes: [StoreWrite] = [
            .createAccount(name: "alice", passwordHash: PasswordHash(encoded: "-"), at: tenDaysAgo)
        ]
        for hour in 0..<3 {
            let login = tenDaysAgo.addingTimeInterval(Double(hour) * 3600)
            writes += [.recordLogin(name: "alice", at: login), .recordLogout(name: "alice", at: login + 60)]
        }
        try SQLiteStore(path: path).apply(writes)

        let store = try WatchedStore(path: path)
        var options = ServerOptions()
        options.loginHistoryRetention = 24 * 3600
        let server = TestServer(server: try await options.start(store: store))
        for _ in 0..<1_000 where store.forgottenSessions.load(ordering: .relaxed) < 2 {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(store.forgottenSessions.load(ordering: .relaxed) == 2)
        let bob = try await server.login("bob")
        #expect(try await bob.ok(.whoelsesince(seconds: 11 * 24 * 3600)).users == ["alice"])
        #expect(try await bob.ok(.whoelsesince(seconds: 9 * 24 * 3600)).users == [])
        try await server.stop()
        // A restart finds alice's last logout, and nothing more to forget.
        #expect(try store.inner.loadSnapshot(now: Date()).accounts.first { $0.name == "alice" }?.lastSeen != nil)
        #expect(try store.forgetLoginHistory(endedBefore: Date(), limit: 10) == 0)
    }
}
