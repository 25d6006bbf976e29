import Foundation
import ParleyCore
import ParleyProtocol
import Testing

/// Drives a `ChatCore` the way the server adapter does, without any I/O, so tests read like sessions:
///
///     let h = CoreHarness()
///     let alice = try h.register("alice")
///     let bob = try h.register("bob")
///     h.send(alice, .message(to: "bob", text: "hi"))
///     #expect(h.events(bob) == [.message(DeliveredMessage(from: "alice", text: "hi", kind: .direct))])
///
/// - The clock is a `Date` the test advances itself (`advance(by:)`); nothing ever sleeps.
/// - Timers the core schedules are kept like the adapter keeps them (a later `schedule` replaces an earlier one,
///   `cancel` removes it) and fire when the clock passes their deadline; `fire(_:)` fires one by hand.
/// - Password checks are answered at once with a fake hash, `"h:" + password`, unless
///   `answersPasswordsAtOnce` is off; then they wait in `pendingPasswordWork` for `answerPasswordWork()`.
/// - Tokens for private sessions are `token-1`, `token-2`, ...
/// - Every frame sent is kept per connection, every effect in `allEffects`, every store write in `persisted`.
final class CoreHarness {
    static let start = Date(timeIntervalSince1970: 1_700_000_000)

    private(set) var core: ChatCore
    private(set) var now: Date
    /// Effects of the last input fed in, including those of the password answers it led to.
    private(set) var lastEffects: [Effect] = []
    /// Every effect since the harness was made, in order.
    private(set) var allEffects: [Effect] = []
    /// Timers that are set, as the adapter would keep them.
    private(set) var timers: [TimerKey: Date] = [:]
    /// Connections the core asked to close.
    private(set) var closed: Set<ConnectionID> = []
    /// `verifyPassword` and `hashPassword` effects not answered yet (only when `answersPasswordsAtOnce` is off).
    private(set) var pendingPasswordWork: [Effect] = []
    var answersPasswordsAtOnce = true

    private var frames: [ConnectionID: [ServerFrame]] = [:]
    /// The online users' connections as the adapter learns them from `presence` effects.
    private var audience: [ConnectionID: String] = [:]
    private var lastConnection: UInt64 = 0
    private var lastRequest = 0

    init(
        configuration: CoreConfiguration = CoreConfiguration(), snapshot: CoreSnapshot = CoreSnapshot(),
        start: Date = CoreHarness.start
    ) {
        let tokens = TokenSource()
        core = ChatCore(
            configuration: configuration, snapshot: snapshot, makeToken: { tokens.next() },
            digestToken: CoreHarness.digest)
        now = start
    }

    /// A harness whose store already holds `accounts`, each with the password `password(for:)`.
    convenience init(
        accounts: [String], configuration: CoreConfiguration = CoreConfiguration(),
        blocks: [(blocker: String, blocked: String)] = []
    ) {
        let records = accounts.map { AccountRecord(name: $0, passwordHash: Self.hash(Self.password(for: $0))) }
        self.init(configuration: configuration, snapshot: CoreSnapshot(accounts: records, blocks: blocks))
    }

    // MARK: Passwords

    /// The password the session helpers use for `user`.
    static func password(for user: String) -> String { "pw-\(user)" }
    /// The fake hash: the password in the clear behind a prefix, so tests can see what was hashed.
    static func hash(_ password: String) -> PasswordHash { PasswordHash(encoded: "h:\(password)") }
    /// The stand-in for the server's SHA-256 of a resume token: visibly not the token.
    @Sendable static func digest(_ token: String) -> String { "d:\(token)" }

    // MARK: Feeding inputs

    /// Feeds one input at the current time, answers password work if told to, and returns all the effects.
    @discardableResult
    func feed(_ input: CoreInput) -> [Effect] {
        var produced: [Effect] = []
        var queue = [input]
        while !queue.isEmpty {
            let effects = core.handle(queue.removeFirst(), at: now)
            produced += effects
            for effect in effects {
                record(effect)
                if let answer = passwordAnswer(to: effect) {
                    if answersPasswordsAtOnce {
                        queue.append(answer)
                    } else {
                        pendingPasswordWork.append(effect)
                    }
                }
            }
        }
        lastEffects = produced
        // The adapter relies on this: presence effects alone tell it who is online.
        #expect(
            audience.values.sorted() == core.onlineUsers,
            "presence effects say \(audience.values.sorted()) are online, the core \(core.onlineUsers)")
        return produced
    }

    /// Answers the oldest waiting password check or hash, as the hashing thread pool would.
    @discardableResult
    func answerPasswordWork() -> [Effect] {
        guard !pendingPasswordWork.isEmpty, let answer = passwordAnswer(to: pendingPasswordWork.removeFirst())
        else { return [] }
        return feed(answer)
    }

    private func passwordAnswer(to effect: Effect) -> CoreInput? {
        switch effect {
        case .verifyPassword(let connection, let id, let username, let password, let hash):
            .passwordVerified(connection, id, username: username, matches: hash == Self.hash(password))
        case .hashPassword(let connection, let id, let username, let password):
            .passwordHashed(connection, id, username: username, Self.hash(password))
        default:
            nil
        }
    }

    private func record(_ effect: Effect) {
        allEffects.append(effect)
        switch effect {
        case .send(let connection, let frame): frames[connection, default: []].append(frame)
        case .sendToEach(let connections, let frame):
            for connection in connections { frames[connection, default: []].append(frame) }
        case .presence(let user, let online, let subject, let hiddenFrom):
            // As the server adapter does: the audience is every connection announced online and not since
            // announced offline; the subject hears nothing of itself.
            if !online { audience[subject] = nil }
            let event = ServerFrame.event(.presence(user: user, online: online))
            for connection in audience.keys where !hiddenFrom.contains(connection) {
                frames[connection, default: []].append(event)
            }
            if online { audience[subject] = user }
        case .close(let connection): closed.insert(connection)
        case .schedule(let key, let deadline): timers[key] = deadline
        case .cancel(let key): timers[key] = nil
        default: break
        }
    }

    // MARK: The clock and timers

    /// Moves the clock on and fires, oldest first, every timer whose deadline has come.
    func advance(by seconds: TimeInterval) {
        now = now.addingTimeInterval(seconds)
        while let due = timers.filter({ $0.value <= now }).min(by: { $0.value < $1.value }) {
            fire(due.key)
        }
    }

    /// Fires `key` now, whether or not its deadline has come (an early or stale firing).
    @discardableResult
    func fire(_ key: TimerKey) -> [Effect] {
        timers[key] = nil
        return feed(.timerFired(key))
    }

    // MARK: Connections and requests

    /// A new connection from `address`, before `hello`.
    func connect(from address: String = "10.0.0.1") -> ConnectionID {
        lastConnection += 1
        let connection = ConnectionID(lastConnection)
        feed(.connected(connection, address: address))
        return connection
    }

    /// A new connection that has agreed on the protocol version.
    func connectAndGreet(from address: String = "10.0.0.1", receipts: Bool = false) -> ConnectionID {
        let connection = connect(from: address)
        send(connection, .hello(version: ProtocolLimits.version, client: "tests", receipts: receipts))
        return connection
    }

    /// Sends a request with a fresh id and returns its reply (found among the effects it produced).
    @discardableResult
    func send(_ connection: ConnectionID, _ command: Command) -> Reply? {
        lastRequest += 1
        let id = RequestID.number(lastRequest)
        let effects = feed(.request(connection, Request(id: id, command: command)))
        return effects.lazy.compactMap { effect -> Reply? in
            guard case .send(connection, .reply(let reply)) = effect, reply.id == id else { return nil }
            return reply
        }.first
    }

    func disconnect(_ connection: ConnectionID) {
        feed(.disconnected(connection))
    }

    // MARK: Sessions

    /// Registers `user` on a new connection (login, `new_user`, register) and returns the logged-in connection.
    @discardableResult
    func register(_ user: String, from address: String = "10.0.0.1") throws -> ConnectionID {
        let connection = connectAndGreet(from: address)
        let password = Self.password(for: user)
        let first = send(connection, .login(username: user, password: password))
        guard first?.error?.code == .newUser else { throw HarnessError.unexpected(first) }
        let reply = send(connection, .register(username: user, password: password, confirmation: password))
        guard reply?.ok == true else { throw HarnessError.unexpected(reply) }
        return connection
    }

    /// Logs an existing `user` in on a new connection and returns it.
    @discardableResult
    func logIn(_ user: String, from address: String = "10.0.0.1", receipts: Bool = false) throws -> ConnectionID {
        let connection = connectAndGreet(from: address, receipts: receipts)
        let reply = send(connection, .login(username: user, password: Self.password(for: user)))
        guard reply?.ok == true else { throw HarnessError.unexpected(reply) }
        return connection
    }

    /// Logs `user` in and forgets what has been sent so far, so a test sees only what follows.
    func logInQuietly(_ users: String...) throws -> [ConnectionID] {
        let connections = try users.map { try logIn($0) }
        clearOutput()
        return connections
    }

    // MARK: What was sent

    func frames(_ connection: ConnectionID) -> [ServerFrame] { frames[connection] ?? [] }

    func replies(_ connection: ConnectionID) -> [Reply] {
        frames(connection).compactMap { frame in
            if case .reply(let reply) = frame { return reply }
            return nil
        }
    }

    func events(_ connection: ConnectionID) -> [ServerEvent] {
        frames(connection).compactMap { frame in
            if case .event(let event) = frame { return event }
            return nil
        }
    }

    /// Store writes, in the order the core asked for them.
    var persisted: [StoreWrite] {
        allEffects.compactMap { effect in
            if case .persist(let write) = effect { return write }
            return nil
        }
    }

    /// Forgets frames, effects and closes seen so far (timers stay set).
    func clearOutput() {
        frames = [:]
        allEffects = []
        closed = []
    }
}

enum HarnessError: Error {
    case unexpected(Reply?)
}

/// Deterministic one-time tokens: `token-1`, `token-2`, ...
final class TokenSource: @unchecked Sendable {  // `count` is guarded by `lock`
    private let lock = NSLock()
    private var count = 0

    func next() -> String {
        lock.withLock {
            count += 1
            return "token-\(count)"
        }
    }
}

extension Reply {
    /// The error code of a failed reply.
    var code: ErrorCode? { error?.code }
}
