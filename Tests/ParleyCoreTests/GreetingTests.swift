import Foundation
import ParleyCore
import ParleyProtocol
import Testing

/// SPEC section 7: the protocol has a version, exchanged first; each request gets exactly one reply.
@Suite struct GreetingTests {
    @Test func helloAgreesOnTheVersionAndNamesTheServer() {
        let h = CoreHarness()
        let connection = h.connect()
        let reply = h.send(connection, .hello(version: ProtocolLimits.version, client: "tests"))
        #expect(reply == Reply(id: .number(1), version: ProtocolLimits.version, server: "parleyd"))
    }

    @Test func everyRequestBeforeHelloIsRefused() {
        let h = CoreHarness(accounts: ["alice"])
        let connection = h.connect()
        let login = h.send(connection, .login(username: "alice", password: CoreHarness.password(for: "alice")))
        #expect(login?.code == .helloRequired)
        #expect(login?.error?.message == "Error. Say hello first")
        #expect(h.send(connection, .whoelse)?.code == .helloRequired)
        #expect(h.send(connection, .logout)?.code == .helloRequired)
        #expect(!h.lastEffects.contains { if case .verifyPassword = $0 { true } else { false } })
        #expect(h.core.onlineUsers.isEmpty)
    }

    @Test func pingIsAnsweredEvenBeforeHello() {
        let h = CoreHarness()
        let connection = h.connect()
        #expect(h.send(connection, .ping)?.ok == true)
    }

    @Test func anotherVersionIsRefusedAndTheConnectionMayTryAgain() {
        let h = CoreHarness(accounts: ["alice"])
        let connection = h.connect()
        let reply = h.send(connection, .hello(version: ProtocolLimits.version + 1, client: nil))
        #expect(reply?.code == .unsupportedVersion)
        #expect(reply?.error?.message == "Error. Unsupported protocol version (this server speaks 1)")
        #expect(h.send(connection, .whoelse)?.code == .helloRequired)
        #expect(h.send(connection, .hello(version: ProtocolLimits.version, client: nil))?.ok == true)
        #expect(h.send(connection, .login(username: "alice", password: "pw-alice"))?.ok == true)
    }

    @Test func aSecondHelloIsAnInvalidCommand() {
        let h = CoreHarness()
        let connection = h.connectAndGreet()
        #expect(h.send(connection, .hello(version: ProtocolLimits.version, client: nil))?.code == .invalidCommand)
    }

    @Test func commandsNeedALogin() {
        let h = CoreHarness()
        let connection = h.connectAndGreet()
        for command: Command in [
            .message(to: "bob", text: "hi"), .broadcast(text: "hi"), .whoelse, .whoelsesince(seconds: 5),
            .block(user: "bob"), .unblock(user: "bob"), .startPrivate(user: "bob", port: 5000),
            .answerPrivate(user: "bob", accept: true), .stopPrivate(user: "bob"), .activity,
        ] {
            let reply = h.send(connection, command)
            #expect(reply?.code == .notLoggedIn, "\(command.op)")
            #expect(reply?.error?.message == "Error. Please log in first")
        }
    }

    @Test func logoutBeforeLoginClosesTheConnection() {
        let h = CoreHarness()
        let connection = h.connectAndGreet()
        #expect(h.send(connection, .logout)?.ok == true)
        #expect(h.closed == [connection])
        #expect(h.persisted.isEmpty)
    }

    @Test func eachRequestGetsExactlyOneReplyWithItsID() throws {
        let h = CoreHarness(accounts: ["alice", "bob"])
        let alice = try h.logIn("alice")
        _ = try h.logIn("bob")
        h.clearOutput()
        for command: Command in [
            .message(to: "bob", text: "hi"), .message(to: "nobody", text: "hi"), .broadcast(text: "all"), .whoelse,
            .whoelsesince(seconds: 10), .block(user: "bob"), .unblock(user: "bob"), .activity, .ping,
        ] {
            h.send(alice, command)
        }
        #expect(h.replies(alice).map(\.id) == (5...13).map { RequestID.number($0) })
    }
}
