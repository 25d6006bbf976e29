import Foundation
import ParleyCore
import ParleyProtocol
import Testing

/// SPEC section 2, rule 4: a new username is registered after the password is confirmed.
@Suite struct RegistrationTests {
    @Test func anUnknownUsernameIsANewUser() {
        let h = CoreHarness()
        let reply = h.send(h.connectAndGreet(), .login(username: "alice", password: "secret"))
        #expect(reply?.code == .newUser)
        #expect(reply?.error?.message == "This is a new user. Please confirm your password: ")
        #expect(!h.core.accountExists("alice"))
        #expect(h.persisted.isEmpty)
    }

    @Test func aMismatchedConfirmationCreatesNothing() {
        let h = CoreHarness()
        let connection = h.connectAndGreet()
        h.send(connection, .login(username: "alice", password: "secret"))
        let reply = h.send(connection, .register(username: "alice", password: "secret", confirmation: "secreT"))
        #expect(reply?.code == .passwordMismatch)
        #expect(reply?.error?.message == "Passwords do not match. Please try again")
        #expect(!h.core.accountExists("alice"))
        #expect(h.persisted.isEmpty)
        #expect(!h.lastEffects.contains { if case .hashPassword = $0 { true } else { false } })
        #expect(h.core.onlineUsers.isEmpty)
        // The client asks for the password again and tries once more on the same connection.
        #expect(h.send(connection, .register(username: "alice", password: "again", confirmation: "again"))?.ok == true)
    }

    @Test func aMatchingConfirmationCreatesTheAccountDurablyAndLogsIn() {
        let h = CoreHarness()
        let connection = h.connectAndGreet()
        h.send(connection, .login(username: "alice", password: "secret"))
        h.clearOutput()
        let reply = h.send(connection, .register(username: "alice", password: "secret", confirmation: "secret"))
        #expect(reply == Reply(id: .number(3), username: "alice", waiting: 0))
        #expect(h.core.accountExists("alice"))
        #expect(h.core.onlineUsers == ["alice"])
        let create = StoreWrite.createAccount(name: "alice", passwordHash: CoreHarness.hash("secret"), at: h.now)
        #expect(h.persisted == [create, .recordLogin(name: "alice", at: h.now)])
        // The password is hashed off the core; the account is durable before the reply goes out.
        let effects = h.lastEffects
        let hashed = effects.firstIndex(
            of: .hashPassword(connection, .number(3), username: "alice", password: "secret"))
        let created = effects.firstIndex(of: .persist(create))
        let held = effects.firstIndex(of: .holdUntilDurable(connection))
        let replied = effects.firstIndex { if case .send(connection, .reply) = $0 { true } else { false } }
        #expect(hashed != nil && created != nil && held != nil && replied != nil)
        if let hashed, let created, let held, let replied {
            #expect(hashed < created && created < held && held < replied)
        }
    }

    @Test func aRegisteredUserCanLogInLater() throws {
        let h = CoreHarness()
        let alice = try h.register("alice")
        h.send(alice, .logout)
        let again = h.connectAndGreet()
        #expect(h.send(again, .login(username: "alice", password: "wrong"))?.code == .wrongPassword)
        #expect(h.send(again, .login(username: "alice", password: "pw-alice"))?.ok == true)
    }

    @Test func withoutRegistrationAnUnknownUserIsInvalid() {
        let h = CoreHarness(configuration: CoreConfiguration(registrationEnabled: false))
        let connection = h.connectAndGreet()
        let login = h.send(connection, .login(username: "alice", password: "secret"))
        #expect(login?.code == .invalidUser)
        #expect(login?.error?.message == "Error. Invalid user")
        let register = h.send(connection, .register(username: "alice", password: "secret", confirmation: "secret"))
        #expect(register?.code == .invalidUser)
        #expect(!h.core.accountExists("alice"))
        #expect(h.persisted.isEmpty)
    }

    @Test func withoutRegistrationKnownUsersStillLogIn() {
        let h = CoreHarness(accounts: ["alice"], configuration: CoreConfiguration(registrationEnabled: false))
        #expect(h.send(h.connectAndGreet(), .login(username: "alice", password: "pw-alice"))?.ok == true)
    }

    @Test func registeringAnExistingNameIsRefused() {
        let h = CoreHarness(accounts: ["alice"])
        let reply = h.send(h.connectAndGreet(), .register(username: "alice", password: "x", confirmation: "x"))
        #expect(reply?.code == .usernameTaken)
        #expect(h.persisted.isEmpty)
    }

    @Test func registrationChecksTheRules() {
        let h = CoreHarness()
        let connection = h.connectAndGreet()
        #expect(
            h.send(connection, .register(username: "bad name", password: "x", confirmation: "x"))?.code
                == .invalidUsername)
        #expect(
            h.send(connection, .register(username: "alice", password: "a b", confirmation: "a b"))?.code
                == .invalidPassword)
        let longest = String(repeating: "p", count: 128)
        #expect(h.send(connection, .register(username: "alice", password: longest, confirmation: longest))?.ok == true)
    }

    @Test func twoConnectionsRegisteringOneNameCreateOneAccount() {
        let h = CoreHarness()
        h.answersPasswordsAtOnce = false
        let first = h.connectAndGreet()
        let second = h.connectAndGreet()
        h.send(first, .register(username: "alice", password: "one", confirmation: "one"))
        #expect(
            h.send(second, .register(username: "alice", password: "two", confirmation: "two"))?.code == .usernameTaken)
        #expect(h.send(second, .login(username: "alice", password: "two"))?.code == .busy)
        h.answerPasswordWork()
        #expect(h.replies(first).last?.ok == true)
        #expect(h.persisted.filter { if case .createAccount = $0 { true } else { false } }.count == 1)
    }

    @Test func aClientThatLeavesBeforeTheHashIsReadyCreatesNoAccount() {
        let h = CoreHarness()
        h.answersPasswordsAtOnce = false
        let connection = h.connectAndGreet()
        h.send(connection, .register(username: "alice", password: "one", confirmation: "one"))
        h.disconnect(connection)
        h.answerPasswordWork()
        #expect(!h.core.accountExists("alice"))
        #expect(h.persisted.isEmpty)
        // The name is free again.
        #expect(h.send(h.connectAndGreet(), .login(username: "alice", password: "x"))?.code == .newUser)
    }

    /// A registration whose client went is given up at once: its hash may never come back (a hashing thread
    /// that failed), and the name must not stay reserved until a restart. A late hash then changes nothing.
    @Test func aRegistrationWhoseClientWentFreesTheNameAtOnce() throws {
        let h = CoreHarness()
        h.answersPasswordsAtOnce = false
        let first = h.connectAndGreet()
        h.send(first, .register(username: "alice", password: "one", confirmation: "one"))
        h.disconnect(first)
        let second = h.connectAndGreet()
        #expect(h.send(second, .register(username: "alice", password: "two", confirmation: "two")) == nil)
        h.answerPasswordWork()  // the first one's hash, for nobody
        #expect(h.send(h.connectAndGreet(), .login(username: "alice", password: "two"))?.code == .busy)
        h.answerPasswordWork()
        #expect(h.replies(second).last?.username == "alice")
        let created = h.persisted.compactMap { if case .createAccount(_, let hash, _) = $0 { hash } else { nil } }
        #expect(created == [CoreHarness.hash("two")])
    }

    @Test func anAccountThatCouldNotBeStoredIsUndone() throws {
        let h = CoreHarness(accounts: ["bob"])
        let bob = try h.logIn("bob")
        let alice = try h.register("alice")
        let create = try #require(h.persisted.first { if case .createAccount = $0 { true } else { false } })
        h.clearOutput()
        h.feed(.writesFailed([create]))
        #expect(!h.core.accountExists("alice"))
        #expect(h.core.onlineUsers == ["bob"])
        #expect(h.closed == [alice])
        #expect(h.events(bob) == [.presence(user: "alice", online: false)])
        #expect(h.send(h.connectAndGreet(), .login(username: "alice", password: "pw-alice"))?.code == .newUser)
    }

    /// A resumable client's account that could not be stored, undone while it is online: its session ends
    /// without a write about the account (the store has none; a resume grant for it would fail the next batch),
    /// and blocks of it are forgotten.
    @Test func anAccountThatCouldNotBeStoredEndsItsSessionWithoutWritesAboutIt() throws {
        let h = CoreHarness(accounts: ["bob"])
        let bob = try h.logIn("bob")
        let carol = h.connect()
        h.send(carol, .hello(version: ProtocolLimits.version, client: "tests", resumable: true))
        #expect(h.send(carol, .login(username: "carol", password: "pw-carol"))?.code == .newUser)
        let registered = h.send(carol, .register(username: "carol", password: "pw-carol", confirmation: "pw-carol"))
        #expect(registered?.resume != nil)
        let create = try #require(h.persisted.first { if case .createAccount = $0 { true } else { false } })
        h.send(bob, .block(user: "carol"))
        let before = h.persisted.count
        h.feed(.writesFailed([create]))
        #expect(h.closed == [carol])
        #expect(h.persisted.dropFirst(before).isEmpty)
        #expect(h.send(bob, .blocked)?.users == [])
    }

    /// Messages sent to an account whose creation then failed do not wait for whoever registers the name next.
    @Test func messagesForAnAccountThatCouldNotBeStoredAreDropped() throws {
        let h = CoreHarness(accounts: ["bob"])
        let bob = try h.logIn("bob")
        h.send(try h.register("carol"), .logout)
        let create = try #require(h.persisted.first { if case .createAccount = $0 { true } else { false } })
        #expect(h.send(bob, .message(to: "carol", text: "welcome"))?.stored == true)
        let enqueued = try #require(h.persisted.last)
        guard case .enqueue(let message) = enqueued else { throw HarnessError.unexpected(nil) }
        h.feed(.writesFailed([create]))
        #expect(h.persisted.last == .dequeue(ids: [message.id]))
        h.send(bob, .logout)
        let newcomer = try h.register("carol")
        #expect(h.replies(newcomer).last?.waiting == 0)
        #expect(!h.events(newcomer).contains { if case .message = $0 { true } else { false } })
    }

    /// A harness that lets each address create `perHour` accounts an hour.
    private func harnessLimitingRegistrations(to perHour: Double) -> CoreHarness {
        var configuration = CoreConfiguration()
        configuration.registrationsPerAddress = RateLimit(burst: perHour, perSecond: perHour / 3600)
        return CoreHarness(configuration: configuration)
    }

    @Test func oneAddressMayCreateOnlySoManyAccountsAnHour() throws {
        let h = harnessLimitingRegistrations(to: 2)
        h.send(try h.register("alice"), .logout)
        try h.register("bob")
        let connection = h.connectAndGreet()
        let refused = h.send(connection, .register(username: "carol", password: "pw", confirmation: "pw"))
        #expect(refused?.code == .tooManyRegistrations)
        #expect(refused?.error?.message == "Error. Too many new accounts from your address; please try again later")
        #expect(!h.core.accountExists("carol"))
        #expect(!h.lastEffects.contains { if case .hashPassword = $0 { true } else { false } })
        // Another address may still register; existing users still log in from the limited one.
        #expect(throws: Never.self) { try h.register("carol", from: "10.0.0.2") }
        #expect(h.send(h.connectAndGreet(), .login(username: "alice", password: "pw-alice"))?.ok == true)
        // Half an hour gives the address one account back, not two.
        h.advance(by: 1800)
        try h.register("dave")
        let again = h.send(h.connectAndGreet(), .register(username: "erin", password: "pw", confirmation: "pw"))
        #expect(again?.code == .tooManyRegistrations)
    }

    @Test func refusedAndAbandonedRegistrations() {
        let h = harnessLimitingRegistrations(to: 1)
        h.answersPasswordsAtOnce = false
        // A confirmation that does not match is not a registration and takes nothing from the limit.
        let connection = h.connectAndGreet()
        let mismatch = h.send(connection, .register(username: "alice", password: "one", confirmation: "two"))
        #expect(mismatch?.code == .passwordMismatch)
        // A client that leaves while its password is hashed has used its address's registration up.
        h.send(connection, .register(username: "alice", password: "one", confirmation: "one"))
        h.disconnect(connection)
        h.answerPasswordWork()
        #expect(!h.core.accountExists("alice"))
        let next = h.send(h.connectAndGreet(), .register(username: "alice", password: "one", confirmation: "one"))
        #expect(next?.code == .tooManyRegistrations)
    }

    @Test func withoutALimitAnyNumberMayRegister() throws {
        var configuration = CoreConfiguration()
        configuration.registrationsPerAddress = nil
        let h = CoreHarness(configuration: configuration)
        for n in 0..<100 { try h.register("user\(n)") }
        #expect(h.core.onlineUsers.count == 100)
    }
}
