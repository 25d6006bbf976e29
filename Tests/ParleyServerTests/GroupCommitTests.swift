import Foundation
import Logging
import ParleyCore
import ParleyProtocol
import ParleyServer
import ParleyStore
import ParleyTesting
import Synchronization
import Testing

/// A store that counts its transactions and can be made to fail or to wait, around a real SQLite store.
final class WatchedStore: ChatStore {
    let inner: SQLiteStore
    let transactions = Atomic<Int>(0)
    let failing = Atomic<Bool>(false)
    /// While set, a commit waits (on the store's own thread) before it starts.
    let paused = Atomic<Bool>(false)
    /// How the next commits end, one entry each (true: it fails), before `failing` decides again.
    let scripted = Mutex<[Bool]>([])
    /// Set once a commit holding a waiting message has started (and, if paused, waits).
    let sawWaitingMessage = Atomic<Bool>(false)
    /// Sessions of the login history the server had forgotten, and in how many calls.
    let forgottenSessions = Atomic<Int>(0)
    let forgetCalls = Atomic<Int>(0)

    init(path: String) throws { inner = try SQLiteStore(path: path) }

    func loadSnapshot(now: Date) throws -> CoreSnapshot { try inner.loadSnapshot(now: now) }
    func accountNames() throws -> Set<String> { try inner.accountNames() }
    func close() throws { try inner.close() }
    func resetPassword(of name: String, to hash: PasswordHash) throws -> Bool {
        try inner.resetPassword(of: name, to: hash)
    }
    func forgetLoginHistory(endedBefore cutoff: Date, limit: Int) throws -> Int {
        let count = try inner.forgetLoginHistory(endedBefore: cutoff, limit: limit)
        forgetCalls.add(1, ordering: .sequentiallyConsistent)  // first: once the sessions show, so does the call
        forgottenSessions.add(count, ordering: .sequentiallyConsistent)
        return count
    }
    func apply(_ writes: [StoreWrite]) throws {
        struct DiskFull: Error {}
        if writes.contains(where: { if case .enqueue = $0 { true } else { false } }) {
            sawWaitingMessage.store(true, ordering: .relaxed)
        }
        while paused.load(ordering: .relaxed) { usleep(1_000) }
        let fails = scripted.withLock { $0.isEmpty ? nil : $0.removeFirst() } ?? failing.load(ordering: .relaxed)
        if fails { throw DiskFull() }
        transactions.add(1, ordering: .relaxed)
        try inner.apply(writes)
    }
}

@Suite struct GroupCommitTests {
    private func start(_ store: WatchedStore) async throws -> TestServer {
        let options = ServerOptions(loginAttemptsPerAddress: nil, commandRate: nil)
        return TestServer(server: try await options.start(store: store))
    }

    @Test func manyOfflineMessagesAtOnceShareTransactions() async throws {
        let store = try WatchedStore(path: TestDirectory.path("group.db"))
        let server = try await start(store)
        let bob = try await server.login("bob")
        try await bob.ok(.logout)
        let senders = try await withThrowingTaskGroup(of: WireClient.self) { group in
            for index in 0..<10 { group.addTask { try await server.login("sender\(index)") } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let before = store.transactions.load(ordering: .relaxed)
        let perSender = 50
        try await withThrowingTaskGroup(of: Void.self) { group in
            for sender in senders {
                group.addTask {
                    // Pipelined: all requests go out before the replies are read.
                    for index in 0..<perSender {
                        try await sender.sendLine(#"{"id":\#(index),"op":"message","to":"bob","text":"m\#(index)"}"#)
                    }
                    for index in 0..<perSender {
                        let reply = try await sender.reply(id: .number(index))
                        #expect(reply.stored == true)
                    }
                }
            }
            try await group.waitForAll()
        }
        let used = store.transactions.load(ordering: .relaxed) - before
        #expect(used < senders.count * perSender / 2, "500 messages took \(used) transactions")
        let snapshot = try store.loadSnapshot(now: Date())
        #expect(snapshot.waitingMessages.count == senders.count * perSender)
        try await server.stop()
    }

    @Test func aFailedCommitTurnsTheAcknowledgementIntoAnErrorAndLosesNothingElse() async throws {
        let store = try WatchedStore(path: TestDirectory.path("failing.db"))
        let server = try await start(store)
        let bob = try await server.login("bob")
        try await bob.ok(.logout)
        let alice = try await server.login("alice")
        store.failing.store(true, ordering: .relaxed)
        let refused = try await alice.request(.message(to: "bob", text: "lost?"))
        #expect(refused.error?.code == .storeFailure)
        store.failing.store(false, ordering: .relaxed)
        #expect(try await alice.ok(.message(to: "bob", text: "kept")).stored == true)
        let again = try await server.connect()
        try await again.hello()
        #expect(try await again.ok(.login(username: "bob", password: "secret")).waiting == 1)
        guard case .message(let message) = try await again.nextEvent() else {
            Issue.record("expected the stored message")
            return
        }
        #expect(message.text == "kept")
        try await server.stop()
    }

    /// Requests sent together without waiting: each reply that waited for the failed batch becomes
    /// `store_failure`, and a reply that needed no storage between them stays what it was.
    @Test func aFailedCommitFailsTheRepliesThatWaitedForItAndNoOthers() async throws {
        let store = try WatchedStore(path: TestDirectory.path("pipelined-failure.db"))
        let server = try await start(store)
        for name in ["bob", "carol"] { try await server.login(name).ok(.logout) }
        let alice = try await server.login("alice")
        store.failing.store(true, ordering: .relaxed)
        try await alice.sendLine(
            #"{"id":1,"op":"message","to":"bob","text":"one"}"# + "\n" + #"{"id":2,"op":"whoelse"}"# + "\n"
                + #"{"id":3,"op":"message","to":"carol","text":"two"}"#)
        #expect(try await alice.reply(id: .number(1)).error?.code == .storeFailure)
        let who = try await alice.reply(id: .number(2))
        #expect(who.ok && who.users == [])
        #expect(try await alice.reply(id: .number(3)).error?.code == .storeFailure)
        store.failing.store(false, ordering: .relaxed)
        #expect(try store.loadSnapshot(now: Date()).waitingMessages.isEmpty)
        try await server.stop()
    }

    /// A request sent while the batch of an earlier one is being committed goes in the next batch: each
    /// reply says how its own batch ended, whichever of the two failed.
    @Test(arguments: [[true, false], [false, true]])
    func repliesWaitingForTwoBatchesEachTellHowTheirOwnEnded(_ outcomes: [Bool]) async throws {
        let store = try WatchedStore(path: TestDirectory.path("two-batches-\(outcomes[0]).db"))
        let server = try await start(store)
        for name in ["bob", "carol"] { try await server.login(name).ok(.logout) }
        let dave = try await server.login("dave")
        let alice = try await server.login("alice")
        store.paused.store(true, ordering: .relaxed)
        try await alice.sendLine(#"{"id":1,"op":"message","to":"bob","text":"first"}"#)
        for _ in 0..<1_000 where !store.sawWaitingMessage.load(ordering: .relaxed) {
            try await Task.sleep(for: .milliseconds(10))
        }
        let reachedStore = store.sawWaitingMessage.load(ordering: .relaxed)
        #expect(reachedStore, "the first batch reached the store")
        store.scripted.withLock { $0 = outcomes }
        // The second message and a marker for dave in one read: once dave has the marker, the second
        // message waits in the next batch.
        try await alice.sendLine(
            #"{"id":2,"op":"message","to":"carol","text":"second"}"# + "\n"
                + #"{"id":3,"op":"message","to":"dave","text":"marker"}"#)
        let marker = ServerEvent.message(DeliveredMessage(from: "alice", text: "marker", kind: .direct))
        try await dave.waitForEvent { $0 == marker }
        store.paused.store(false, ordering: .relaxed)
        let first = try await alice.reply(id: .number(1))
        let second = try await alice.reply(id: .number(2))
        #expect((first.error?.code == .storeFailure) == outcomes[0])
        #expect((second.error?.code == .storeFailure) == outcomes[1])
        #expect(try await alice.reply(id: .number(3)).ok)
        let waiting = try store.loadSnapshot(now: Date()).waitingMessages.map(\.text)
        #expect(waiting == (outcomes[0] ? ["second"] : ["first"]))
        try await server.stop()
    }

    /// Output to a connection waits behind a reply that waits for the store; presence events announced
    /// meanwhile (kept once for everyone, given to each connection later) must still come after that reply
    /// and before anything sent to the connection after them.
    @Test func presenceAnnouncedWhileAReplyWaitsForTheStoreKeepsItsPlace() async throws {
        let store = try WatchedStore(path: TestDirectory.path("held.db"))
        let server = try await start(store)
        for name in ["carol", "bob", "erin"] { try await server.login(name).ok(.logout) }
        let dave = try await server.login("dave")
        let alice = try await server.login("alice")
        store.paused.store(true, ordering: .relaxed)
        try await alice.sendLine(#"{"id":"held","op":"message","to":"carol","text":"for later"}"#)
        for _ in 0..<1_000 where !store.sawWaitingMessage.load(ordering: .relaxed) {
            try await Task.sleep(for: .milliseconds(10))
        }
        let reachedStore = store.sawWaitingMessage.load(ordering: .relaxed)
        #expect(reachedStore, "alice's message reached the store")
        let bob = try await server.login("bob")
        // Dave has no other output, so he hears of bob only once the presence events are written to everyone:
        // alice, waiting for the store, must have been given hers behind her reply by then.
        try await dave.waitForEvent { $0 == .presence(user: "bob", online: true) }
        _ = try await server.login("erin")
        try await bob.ok(.message(to: "alice", text: "hi"))
        store.paused.store(false, ordering: .relaxed)
        let hi = ServerEvent.message(DeliveredMessage(from: "bob", text: "hi", kind: .direct))
        try await alice.waitForEvent { $0 == hi }
        let arrived = await alice.arrived
        let held = try #require(
            arrived.firstIndex { if case .reply(let r) = $0 { r.id == .string("held") } else { false } })
        #expect(
            Array(arrived[held...]).dropFirst() == [
                .event(.presence(user: "bob", online: true)), .event(.presence(user: "erin", online: true)),
                .event(hi),
            ])
        if case .reply(let reply) = arrived[held] { #expect(reply.stored == true) }
        try await server.stop()
    }
}
