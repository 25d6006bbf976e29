import Foundation
import ParleyProtocol

/// The chat itself: accounts, sessions, presence, blocks, waiting messages, lockout, inactivity and the
/// private-session broker, with no I/O.
///
/// The adapter calls `handle(_:at:)` with each input and the current time and carries out the returned
/// effects in order. Everything here is deterministic given the inputs, the times and the token source,
/// so tests drive it with a fake clock. One rule lives in one file: see the `ChatCore+*.swift` extensions.
public struct ChatCore {
    public let configuration: CoreConfiguration

    var accounts: [String: Account] = [:]
    var connections: [ConnectionID: Connection] = [:]
    /// Logged-in users and their connection.
    var online: [String: ConnectionID] = [:]
    /// Usernames whose registration is being hashed, and the connection it is for, so two connections cannot
    /// create the same account; given up when that connection goes (its hash may never come back).
    var registering: [String: ConnectionID] = [:]
    var mailbox = Mailbox()
    /// Messages that waited, delivered at login to a client that sends receipts, by connection, until the
    /// session ends (kept in the core's table rather than in every connection's state: few have one).
    var backlogs: [ConnectionID: Backlog] = [:]
    var broker = PrivateBroker()
    /// Connections that have not logged in, for the limit on how many may wait at once.
    var unauthenticated: Set<ConnectionID> = []
    /// Logouts in time order, for `whoelsesince`.
    var departures = DepartureLog()
    var loginsByAddress: RateLimiter<String>?
    var loginsByAccount: RateLimiter<String>?
    var registrationsByAddress: RateLimiter<String>?
    let makeToken: @Sendable () -> String
    /// The digest a resume token is kept as (a resume compares digests, so the tokens themselves are nowhere).
    let digestToken: @Sendable (String) -> String

    /// Effects produced by the input being handled.
    var effects: [Effect] = []
    /// What the core has done so far, for metrics.
    public internal(set) var statistics = CoreStatistics()

    /// `makeToken` gives unguessable tokens (private sessions, resumes); `digestToken` a one-way digest of one.
    public init(
        configuration: CoreConfiguration, snapshot: CoreSnapshot, makeToken: @escaping @Sendable () -> String,
        digestToken: @escaping @Sendable (String) -> String
    ) {
        self.configuration = configuration
        self.makeToken = makeToken
        self.digestToken = digestToken
        loginsByAddress = configuration.loginAttemptsPerAddress.map { RateLimiter(limit: $0) }
        loginsByAccount = configuration.loginAttemptsPerAccount.map { RateLimiter(limit: $0) }
        registrationsByAddress = configuration.registrationsPerAddress.map { RateLimiter(limit: $0) }
        for record in snapshot.accounts {
            accounts[record.name] = Account(record: record)
        }
        departures = DepartureLog(
            lastSeen: snapshot.accounts.compactMap { record in record.lastSeen.map { (record.name, $0) } })
        for pair in snapshot.blocks where accounts[pair.blocked] != nil {
            accounts[pair.blocker]?.blocked.insert(pair.blocked)
            accounts[pair.blocked]?.blockedBy.insert(pair.blocker)
        }
        mailbox = Mailbox(messages: snapshot.waitingMessages)
    }

    /// Applies one input at time `now` and returns what the adapter must do, in order.
    public mutating func handle(_ input: CoreInput, at now: Date) -> [Effect] {
        effects = []
        effects.reserveCapacity(4)  // a message's reply and delivery, and then some, without regrowing
        switch input {
        case .connected(let connection, let address):
            admit(connection, from: address, at: now)
        case .request(let connection, let request):
            statistics.requests += 1
            let admission = admitRequest(on: connection, at: now)
            guard admission != .allowed else {
                handleRequest(request, on: connection, at: now)
                return effects
            }
            statistics.rateLimitedRequests += 1
            fail(connection, request.id, .rateLimited)
            if admission == .floodedOut { disconnectFlooder(connection, at: now) }
        case .closing(let connection):
            connections[connection]?.isClosing = true
        case .disconnected(let connection):
            if case .verifying(let username)? = connections[connection]?.phase, registering[username] == connection {
                registering[username] = nil
            }
            endSession(on: connection, reason: .disconnect, at: now)
            connections[connection] = nil
            unauthenticated.remove(connection)
        // A check for a connection that has gone is finished as a login's, which counts a wrong password.
        case .passwordVerified(let connection, let id, let username, let matches):
            if isChangingPassword(connection, id) {
                finishPasswordCheck(connection, id, username: username, matches: matches, at: now)
            } else {
                finishLogin(connection, id, username: username, passwordMatches: matches, at: now)
                answerHeldRequests(on: connection, at: now)
            }
        case .passwordHashed(let connection, let id, let username, let hash):
            if isChangingPassword(connection, id) {
                finishPasswordChange(connection, id, username: username, hash: hash)
            } else {
                finishRegistration(connection, id, username: username, hash: hash, at: now)
                answerHeldRequests(on: connection, at: now)
            }
        case .timerFired(let key):
            timerFired(key, at: now)
        case .writesFailed(let writes):
            undo(failedWrites: writes, at: now)
        case .shutdown:
            for connection in connections.keys.sorted(by: { $0.raw < $1.raw }) {
                endSession(on: connection, reason: .shutdown, at: now)
                close(connection)
            }
        }
        return effects
    }

    // MARK: Queries for tests and metrics

    /// Users logged in right now.
    public var onlineUsers: [String] { online.keys.sorted() }
    /// Number of messages waiting for offline users.
    public var waitingMessageCount: Int { mailbox.count }
    /// Number of users logged in right now.
    public var onlineCount: Int { online.count }
    public func accountExists(_ name: String) -> Bool { accounts[name] != nil }
    /// The client address `connection` came from, while the core knows the connection.
    public func address(of connection: ConnectionID) -> String? { connections[connection]?.address }
    /// Whether a password is being checked or hashed for a request of `connection`'s (a login, a
    /// registration, a `password` change), whose answer is still to come.
    public func awaitsPasswordWork(on connection: ConnectionID) -> Bool {
        guard let state = connections[connection] else { return false }
        if case .verifying = state.phase { return true }
        return state.passwordChange != nil
    }

    // MARK: Dispatch

    private mutating func handleRequest(_ request: Request, on connection: ConnectionID, at now: Date) {
        guard let state = connections[connection] else { return }
        let id = request.id
        switch (state.phase, request.command) {
        case (_, .ping):
            reply(connection, Reply(id: id))
        case (.greeting, .hello(let version, _, let receipts, let resumable)):
            guard version == ProtocolLimits.version else {
                return fail(connection, id, .unsupportedVersion)
            }
            connections[connection]?.phase = .anonymous
            connections[connection]?.sendsReceipts = receipts
            connections[connection]?.resumable = resumable
            reply(connection, Reply(id: id, version: ProtocolLimits.version, server: configuration.serverName))
        case (.greeting, _):
            fail(connection, id, .helloRequired)
        case (.verifying, _):
            // A client may send its next requests without waiting for the login's answer (a script, say):
            // they are answered in order once the password has been checked, as by the session it starts; a
            // `logout` among them too, so "log in, send, log out" in one write does all three.
            guard state.heldRequests.count < Self.maxHeldRequests else { return fail(connection, id, .busy) }
            connections[connection]?.heldRequests.append(request)
        case (_, .hello):
            fail(connection, id, .invalidCommand)
        case (.anonymous, .login(let username, let password)):
            startLogin(connection, id, username: username, password: password, at: now)
        case (.anonymous, .resume(let username, let token)):
            resumeSession(connection, id, username: username, token: token, at: now)
        case (.anonymous, .register(let username, let password, let confirmation)):
            startRegistration(
                connection, id, username: username, password: password, confirmation: confirmation, at: now)
        case (.anonymous, .logout):
            reply(connection, Reply(id: id))
            close(connection)
        case (.loggedIn, .login), (.loggedIn, .register), (.loggedIn, .resume):
            fail(connection, id, .alreadyAuthenticated)
        case (.anonymous, _):
            fail(connection, id, .notLoggedIn)
        case (.loggedIn(let user), let command):
            if Self.countsAsActivity(command) { connections[connection]?.lastActivity = now }
            handleUserCommand(command, id, from: user, on: connection, at: now)
        }
    }

    /// How many requests may wait for a login's password check; more are refused with `busy`.
    public static let maxHeldRequests = 64

    /// Answers the requests that waited for a login's password check, in order, until one of them starts
    /// another check (a second login after a wrong password), behind which the rest wait again.
    private mutating func answerHeldRequests(on connection: ConnectionID, at now: Date) {
        while let state = connections[connection], !state.heldRequests.isEmpty {
            if case .verifying = state.phase { return }
            guard let request = connections[connection]?.heldRequests.removeFirst() else { return }
            handleRequest(request, on: connection, at: now)
        }
    }

    /// Whether `command` shows that the user is there (SPEC 4): not what a client sends on its own, such as
    /// relaying a private session's traffic or confirming waiting messages (`ping` never gets this far).
    private static func countsAsActivity(_ command: Command) -> Bool {
        switch command {
        case .relay, .received: false
        default: true
        }
    }

    private mutating func handleUserCommand(
        _ command: Command, _ id: RequestID, from user: String, on connection: ConnectionID, at now: Date
    ) {
        switch command {
        case .message(let to, let text): sendMessage(id, from: user, on: connection, to: to, text: text, at: now)
        case .broadcast(let text): broadcast(id, from: user, on: connection, text: text, at: now)
        case .whoelse: whoElse(id, user: user, on: connection, since: nil, at: now)
        case .whoelsesince(let seconds): whoElse(id, user: user, on: connection, since: seconds, at: now)
        case .block(let target): block(id, user: user, on: connection, target: target, at: now)
        case .unblock(let target): unblock(id, user: user, on: connection, target: target)
        case .blocked: listBlocked(id, user: user, on: connection, at: now)
        case .changePassword(let current, let new):
            startPasswordChange(id, user: user, on: connection, current: current, new: new, at: now)
        case .startPrivate(let target, let port, let key):
            startPrivate(id, user: user, on: connection, target: target, port: port, key: key, at: now)
        case .answerPrivate(let requester, let accept, let key):
            answerPrivate(id, user: user, on: connection, requester: requester, accept: accept, key: key)
        case .relay(let peer, let data): relay(id, user: user, on: connection, to: peer, data: data)
        case .stopPrivate(let peer): stopPrivate(id, user: user, on: connection, peer: peer)
        case .activity: reply(connection, Reply(id: id))
        case .received(let count): confirmWaiting(id, count: count, on: connection)
        case .logout:
            reply(connection, Reply(id: id))
            endSession(on: connection, reason: .logout, at: now)
            close(connection)
        case .hello, .login, .resume, .register, .ping:
            break  // handled before a session exists
        }
    }

    // MARK: Effect helpers

    mutating func reply(_ connection: ConnectionID, _ reply: Reply) {
        effects.append(.send(connection, .reply(reply)))
    }

    mutating func fail(_ connection: ConnectionID, _ id: RequestID, _ code: ErrorCode, subject: String = "USER") {
        effects.append(.send(connection, .reply(.failure(id, code, subject: subject))))
    }

    mutating func send(_ event: ServerEvent, to user: String) {
        guard let connection = online[user] else { return }
        effects.append(.send(connection, .event(event)))
    }

    mutating func close(_ connection: ConnectionID) {
        effects.append(.close(connection))
    }

    mutating func persist(_ write: StoreWrite) {
        effects.append(.persist(write))
    }

    /// Whether `user` has blocked `other`.
    func hasBlocked(_ user: String, _ other: String) -> Bool {
        accounts[user]?.blocked.contains(other) ?? false
    }

    /// The users who have blocked `user`: usually none, which lets a broadcast skip the check per recipient.
    func blockers(of user: String) -> Set<String> {
        accounts[user]?.blockedBy ?? []
    }
}

/// An account while the server runs.
struct Account {
    var name: String
    var passwordHash: PasswordHash
    var blocked: Set<String> = []
    /// The reverse of `blocked`: who has blocked this user.
    var blockedBy: Set<String> = []
    var lock: LockState
    var resume: ResumeGrant?

    init(record: AccountRecord) {
        name = record.name
        passwordHash = record.passwordHash
        lock = LockState(failedAttempts: record.failedAttempts, lockedUntil: record.lockedUntil)
        resume = record.resume
    }
}

/// One client connection and where it is in its life.
struct Connection {
    enum Phase: Equatable {
        /// Connected; `hello` not yet received.
        case greeting
        /// Protocol agreed; not logged in.
        case anonymous
        /// A password is being checked or hashed for `username`.
        case verifying(username: String)
        case loggedIn(String)
    }

    var address: String
    var phase: Phase = .greeting
    var lastActivity = Date.distantPast
    var commandBucket: TokenBucket?
    /// A `password` request being checked or hashed.
    var passwordChange: PasswordChange?
    /// Whether the client said in `hello` that it confirms the messages that waited for it (`received`).
    var sendsReceipts = false
    /// Whether the client said in `hello` that it resumes lost sessions, so a login here comes with a token.
    var resumable = false
    /// Requests that came while a login's password was checked, answered in order once it is done.
    var heldRequests: [Request] = []
    /// Nothing reaches the connection any more; its `disconnected` is on its way (`CoreInput.closing`).
    var isClosing = false

    var user: String? {
        if case .loggedIn(let user) = phase { return user }
        return nil
    }
}
