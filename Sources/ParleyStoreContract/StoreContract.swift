import Foundation
import ParleyCore
import ParleyStore
import Testing

/// What every `ChatStore` must do, written once and run against each store (`SQLiteStoreTests`,
/// `PostgresStoreTests`), so the two cannot drift apart. Each check takes `open`, which opens the store on one
/// fresh database every time it is called: a check closes a store before it opens the next, as a restart of
/// the server does (PostgreSQL's store allows one open store per database).
public enum StoreContract {
    public typealias Opener = () throws -> any ChatStore

    /// Every kind of write, as the next start sees it.
    public static func everyWriteSurvivesReopening(_ open: Opener) throws {
        let message = StoredMessage(id: 9, sender: "alice", recipient: "bob", text: "later ✓ ünïcode", sent: instant(5))
        try withStore(open) { store in
            try store.apply([
                account("alice"), account("bob"), account("carol"),
                .setLockState(name: "bob", failedAttempts: 1, lockedUntil: nil),
                .setLockState(name: "carol", failedAttempts: 3, lockedUntil: instant(70)),
                .block(blocker: "bob", blocked: "alice"), .block(blocker: "bob", blocked: "alice"),
                .block(blocker: "alice", blocked: "carol"), .unblock(blocker: "alice", blocked: "carol"),
                .enqueue(message), .recordLogin(name: "alice", at: instant(1)),
                .recordLogout(name: "alice", at: instant(6)),
                .setPasswordHash(name: "alice", hash: hash("new"), previous: hash("alice")),
            ])
        }
        let snapshot = try withStore(open) { try $0.loadSnapshot(now: instant(10)) }
        #expect(
            snapshot.account("alice") == AccountRecord(name: "alice", passwordHash: hash("new"), lastSeen: instant(6)))
        #expect(snapshot.account("bob") == AccountRecord(name: "bob", passwordHash: hash("bob"), failedAttempts: 1))
        #expect(
            snapshot.account("carol")
                == AccountRecord(
                    name: "carol", passwordHash: hash("carol"), failedAttempts: 3, lockedUntil: instant(70)))
        #expect(snapshot.blockPairs == ["bob>alice"])
        #expect(snapshot.waitingMessages == [message])
    }

    /// Each user's last logout is their last-seen time; sessions a crash left open end at the next start, for good.
    public static func lastSeenIsTheLatestLogoutAndACrashesOpenSessionsCloseAtLoad(_ open: Opener) throws {
        try withStore(open) { store in
            try store.apply([
                account("alice"), account("bob"), account("carol"), account("dave"),
                .recordLogin(name: "alice", at: instant(10)), .recordLogout(name: "alice", at: instant(20)),
                .recordLogin(name: "alice", at: instant(30)), .recordLogout(name: "alice", at: instant(40)),
                .recordLogin(name: "bob", at: instant(15)), .recordLogout(name: "bob", at: instant(25)),
                .recordLogin(name: "dave", at: instant(50)),  // the server died with dave online
            ])
        }
        try withStore(open) { store in
            let first = try store.loadSnapshot(now: instant(500))
            #expect(first.account("alice")?.lastSeen == instant(40))
            #expect(first.account("bob")?.lastSeen == instant(25))
            #expect(first.account("carol")?.lastSeen == nil)
            #expect(first.account("dave")?.lastSeen == instant(500))
            // Closed for good: a later load or logout does not move it.
            #expect(try store.loadSnapshot(now: instant(900)).account("dave")?.lastSeen == instant(500))
            try store.apply([.recordLogout(name: "dave", at: instant(950))])
            #expect(try store.loadSnapshot(now: instant(999)).account("dave")?.lastSeen == instant(500))
        }
    }

    /// The login history is forgotten a slice at a time, oldest first, never a user's last session; `sessions`
    /// lists what the store holds as `name@login` (seconds after `instant(0)`), in the order they were recorded.
    public static func oldSessionsAreForgottenButEachUsersLastIsKept(
        _ open: Opener, sessions: () throws -> [String]
    ) throws {
        try withStore(open) { store in
            try store.apply([
                account("alice"), account("bob"), account("carol"), account("dave"),
                .recordLogin(name: "alice", at: instant(10)), .recordLogout(name: "alice", at: instant(20)),
                .recordLogin(name: "alice", at: instant(30)), .recordLogout(name: "alice", at: instant(40)),
                .recordLogin(name: "alice", at: instant(500)), .recordLogout(name: "alice", at: instant(600)),
                .recordLogin(name: "bob", at: instant(15)), .recordLogout(name: "bob", at: instant(25)),
                .recordLogin(name: "carol", at: instant(5)), .recordLogout(name: "carol", at: instant(8)),
                .recordLogin(name: "carol", at: instant(9)),  // still logged in
                .recordLogin(name: "dave", at: instant(700)), .recordLogout(name: "dave", at: instant(800)),
            ])
            #expect(try store.forgetLoginHistory(endedBefore: instant(100), limit: 1) == 1)
            #expect(try sessions() == ["alice@30", "alice@500", "bob@15", "carol@5", "carol@9", "dave@700"])
            #expect(try store.forgetLoginHistory(endedBefore: instant(100), limit: 10) == 1)
            // Alice's last session ended after the cutoff; bob's and carol's last ended sessions stay although
            // they are older; carol's open one stays; nothing of dave's is old.
            #expect(try sessions() == ["alice@500", "bob@15", "carol@5", "carol@9", "dave@700"])
            #expect(try store.forgetLoginHistory(endedBefore: instant(100), limit: 10) == 0)
            let snapshot = try store.loadSnapshot(now: instant(1000))
            #expect(snapshot.account("alice")?.lastSeen == instant(600))
            #expect(snapshot.account("bob")?.lastSeen == instant(25))
            #expect(snapshot.account("dave")?.lastSeen == instant(800))
        }
    }

    /// `parleyd --reset-password`: a new password, the lock lifted, nothing else.
    public static func anOperatorsResetSetsThePasswordAndLiftsTheLock(_ open: Opener) throws {
        try withStore(open) { store in
            try store.apply([
                account("alice"), .setLockState(name: "alice", failedAttempts: 3, lockedUntil: instant(60)),
            ])
            #expect(try store.resetPassword(of: "alice", to: hash("alice-2")))
            #expect(try !store.resetPassword(of: "nobody", to: hash("x")))
            #expect(
                try store.loadSnapshot(now: instant(1)).account("alice")
                    == AccountRecord(name: "alice", passwordHash: hash("alice-2")))
            #expect(try store.accountNames() == ["alice"])
        }
    }

    /// One failing write takes its whole batch with it, and the store goes on; `isExpected` tells the failure.
    public static func aBatchWithAFailingWriteLeavesNothingApplied(
        _ open: Opener, isExpected: (any Error) -> Bool = { _ in true }
    ) throws {
        try withStore(open) { store in
            try store.apply([account("alice"), account("bob")])
            let message = StoredMessage(id: 1, sender: "alice", recipient: "bob", text: "hi", sent: instant(1))
            #expect {
                try store.apply([
                    account("carol"), .block(blocker: "alice", blocked: "bob"), .enqueue(message),
                    .setLockState(name: "bob", failedAttempts: 2, lockedUntil: nil),
                    .recordLogin(name: "alice", at: instant(2)),
                    account("alice"),  // already exists
                ])
            } throws: { isExpected($0) }
            let snapshot = try store.loadSnapshot(now: instant(3))
            #expect(snapshot.accounts.map(\.name).sorted() == ["alice", "bob"])
            #expect(snapshot.blocks.isEmpty)
            #expect(snapshot.waitingMessages.isEmpty)
            #expect(snapshot.account("bob")?.failedAttempts == 0)
            #expect(snapshot.account("alice")?.lastSeen == nil)
            // The store is still usable afterwards, and a message id used twice fails its batch too.
            try store.apply([account("carol"), .enqueue(message)])
            #expect(try store.accountNames() == ["alice", "bob", "carol"])
            #expect(throws: (any Error).self) { try store.apply([.enqueue(message)]) }
        }
    }

    /// Writes about an account the store does not have (its creation failed in an earlier batch) change nothing
    /// and do not fail their batch: the other writes in it are kept.
    public static func writesAboutAMissingAccountChangeNothingAndFailNothing(_ open: Opener) throws {
        try withStore(open) { store in
            try store.apply([account("alice")])
            try store.apply([
                .block(blocker: "alice", blocked: "ghost"), .block(blocker: "ghost", blocked: "alice"),
                .setResumeGrant(name: "ghost", grant: ResumeGrant(tokenDigest: "d-ghost", endedAt: instant(2))),
                .setLockState(name: "ghost", failedAttempts: 1, lockedUntil: nil),
                .setPasswordHash(name: "ghost", hash: hash("new"), previous: hash("ghost")),
                .recordLogin(name: "ghost", at: instant(1)), .recordLogout(name: "ghost", at: instant(2)),
                .unblock(blocker: "alice", blocked: "ghost"), .setResumeGrant(name: "ghost", grant: nil),
                account("bob"), .block(blocker: "bob", blocked: "alice"),
            ])
            let snapshot = try store.loadSnapshot(now: instant(3))
            #expect(snapshot.accounts.map(\.name).sorted() == ["alice", "bob"])
            #expect(snapshot.blockPairs == ["bob>alice"])
        }
    }

    /// Resume grants as the next start sees them: replaced, taken away, and ended at the restart if a crash left
    /// them open; an operator's password reset takes one away.
    public static func resumeGrantsRoundTripAndWhatACrashLeftOpenEndsAtTheRestart(_ open: Opener) throws {
        try withStore(open) { store in
            try store.apply([
                account("alice"), account("bob"), account("carol"),
                .setResumeGrant(name: "alice", grant: ResumeGrant(tokenDigest: "d-alice")),  // open: crashed
                .setResumeGrant(name: "bob", grant: ResumeGrant(tokenDigest: "d-bob-1")),
                .setResumeGrant(name: "bob", grant: ResumeGrant(tokenDigest: "d-bob-2", endedAt: instant(7))),
                .setResumeGrant(name: "carol", grant: ResumeGrant(tokenDigest: "d-carol")),
                .setResumeGrant(name: "carol", grant: nil),
            ])
        }
        try withStore(open) { store in
            let snapshot = try store.loadSnapshot(now: instant(50))
            #expect(snapshot.account("alice")?.resume == ResumeGrant(tokenDigest: "d-alice", endedAt: instant(50)))
            #expect(snapshot.account("bob")?.resume == ResumeGrant(tokenDigest: "d-bob-2", endedAt: instant(7)))
            #expect(snapshot.account("carol")?.resume == nil)
            #expect(try store.resetPassword(of: "bob", to: hash("bob-2")))
            #expect(try store.loadSnapshot(now: instant(60)).account("bob")?.resume == nil)
        }
    }

    // MARK: Fixtures

    /// A stand-in for a stored password hash, distinct per `tag`.
    public static func hash(_ tag: String) -> PasswordHash {
        PasswordHash(encoded: "scrypt$1024$8$1$salt-\(tag)$hash-\(tag)")
    }

    /// The creation of account `name` (its password hash `hash(name)`).
    public static func account(_ name: String, at seconds: Int = 0) -> StoreWrite {
        .createAccount(name: name, passwordHash: hash(name), at: instant(seconds))
    }

    /// Opens a store, runs `body` with it and closes it.
    private static func withStore<Result>(_ open: Opener, _ body: (any ChatStore) throws -> Result) throws -> Result {
        let store = try open()
        defer { try? store.close() }
        return try body(store)
    }
}

/// Whole seconds after a fixed instant, so dates survive the stores' seconds-since-1970 columns exactly.
public func instant(_ seconds: Int) -> Date {
    Date(timeIntervalSince1970: 1_700_000_000 + TimeInterval(seconds))
}

extension CoreSnapshot {
    public func account(_ name: String) -> AccountRecord? { accounts.first { $0.name == name } }

    /// The blocks as comparable strings, sorted: "blocker>blocked".
    public var blockPairs: [String] { blocks.map { "\($0.blocker)>\($0.blocked)" }.sorted() }
}
