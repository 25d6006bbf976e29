import Foundation
import Logging
import NIOCore
import NIOPosix
import ParleyCore
import ParleyStore
import ParleyTesting
import Testing

@testable import ParleyServer

/// The server forgets sessions of the login history older than it keeps, and nothing users see changes.
@Suite struct LoginHistoryRetentionTests {
    /// A store whose users each have `sessions` sessions that ended ten days ago.
    private func storeWithOldHistory(_ name: String, users: [String], sessions: Int) throws -> WatchedStore {
        let path = TestDirectory.path(name)
        let tenDaysAgo = Date(timeIntervalSinceNow: -10 * 24 * 3600)
        var writes: [StoreWrite] = []
        for user in users {
            writes.append(.createAccount(name: user, passwordHash: PasswordHash(encoded: "-"), at: tenDaysAgo))
            for hour in 0..<sessions {
                let login = tenDaysAgo.addingTimeInterval(Double(hour) * 3600)
                writes += [.recordLogin(name: user, at: login), .recordLogout(name: user, at: login + 60)]
            }
        }
        try SQLiteStore(path: path).apply(writes)
        return try WatchedStore(path: path)
    }

    /// Waits (at most 10 s) until the store has forgotten `count` sessions.
    private func waitUntil(_ store: WatchedStore, hasForgotten count: Int) async throws {
        for _ in 0..<1_000 where store.forgottenSessions.load(ordering: .sequentiallyConsistent) < count {
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    @Test func oldSessionsAreForgottenAtTheStartAndWhoElseSinceStillKnowsTheLastOne() async throws {
        let store = try storeWithOldHistory("history.db", users: ["alice"], sessions: 3)
        var options = ServerOptions()
        options.loginHistoryRetention = 24 * 3600
        let server = TestServer(server: try await options.start(store: store))
        try await waitUntil(store, hasForgotten: 2)
        #expect(store.forgottenSessions.load(ordering: .sequentiallyConsistent) == 2)
        let bob = try await server.login("bob")
        #expect(try await bob.ok(.whoelsesince(seconds: 11 * 24 * 3600)).users == ["alice"])
        #expect(try await bob.ok(.whoelsesince(seconds: 9 * 24 * 3600)).users == [])
        try await server.stop()
        // A restart finds alice's last logout, and nothing more to forget.
        #expect(try store.inner.loadSnapshot(now: Date()).accounts.first { $0.name == "alice" }?.lastSeen != nil)
        #expect(try store.forgetLoginHistory(endedBefore: Date(), limit: 10) == 0)
    }

    @Test func aLargeHistoryIsForgottenInSlices() async throws {
        let store = try storeWithOldHistory("slices.db", users: ["a", "b", "c", "d", "e"], sessions: 3)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
        let eventLoop = group.next()
        let retention = LoginHistoryRetention(
            store: store, thread: thread, eventLoop: eventLoop, keep: 24 * 3600, logger: Logger(label: "test"),
            slice: 3, pause: .milliseconds(1))
        eventLoop.execute { retention.start() }
        try await waitUntil(store, hasForgotten: 10)
        #expect(store.forgottenSessions.load(ordering: .sequentiallyConsistent) == 10)
        // 3 + 3 + 3 + 1: a short slice says there is no more.
        #expect(store.forgetCalls.load(ordering: .sequentiallyConsistent) == 4)
        try await eventLoop.flatSubmit { retention.stop() }.get()
        try await thread.shutdownGracefully()
        try await group.shutdownGracefully()
    }
}
