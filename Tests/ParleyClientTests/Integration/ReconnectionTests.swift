import Foundation
import ParleyProtocol
import ParleyServer
import ParleyStore
import ParleyTesting
import Synchronization
import Testing

@testable import ParleyClient

/// A client on a terminal picks its session up again after the server restarts or the network fails: it
/// says so, resumes the session with the token its login gave (the password is not kept), keeps lines entered
/// meanwhile, and gives up after a while. Waits here are a few milliseconds so the tests run fast; the shipped ones are seconds.
@Suite struct ReconnectionTests {
    private static func quick(giveUpAfter: Duration = .seconds(30)) -> (inout ClientConfiguration) -> Void {
        { configuration in
            configuration.reconnection = Reconnection(
                firstDelay: .milliseconds(20), longestDelay: .milliseconds(200), giveUpAfter: giveUpAfter)
        }
    }

    /// A server with a database of its own that can be stopped and started again on the same port.
    private struct RestartableServer {
        var options = ClientTestServer.options()
        var server: ParleyServer

        init() async throws {
            options.databasePath = TestDirectory.path("parley.db")
            server = try await options.start()
            options.port = server.port
        }

        var port: Int { options.port }

        /// Starts the server again on its port. Another test may hold that port for a moment (it was free, and
        /// a server or client of another test picked it): tried again for a few seconds.
        mutating func restart() async throws {
            let deadline = ContinuousClock.now + .seconds(5)
            while true {
                do {
                    server = try await options.start()
                    return
                } catch  where ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(50))  // paces the retries only
                }
            }
        }
    }

    @Test func aServerRestartIsPickedUpAgainWithTheLineEnteredMeanwhile() async throws {
        var restartable = try await RestartableServer()
        let port = restartable.port
        let alice = try await TestClient.register("alice", port: port, configure: Self.quick())
        let bob = try await TestClient.register("bob", port: port)
        try await alice.expect("bob logged in")

        try await restartable.server.shutdown()
        try await alice.expect(Texts.serverShutdown)
        try await alice.expect(Texts.reconnecting("127.0.0.1:\(port)"))
        #expect(try await bob.exit() == .serverShutdown)  // A script's client ends, as before.
        await alice.type("message bob sent while the server was away")
        try await alice.expect(Texts.heldUntilReconnected)
        try await alice.console.waitUntilIdle()  // the prompt is back for the next line

        try await restartable.restart()
        try await alice.expect(Texts.reconnected("127.0.0.1:\(port)"))
        try await alice.expect(Texts.storedForLater("bob"))
        #expect((await alice.output).filter { $0 == Texts.welcome }.count == 1)  // not welcomed twice
        let bobAgain = try await TestClient.login("bob", port: port)
        try await bobAgain.expect(within: 10, "the message kept while reconnecting") {
            $0.hasPrefix("alice (offline, ") && $0.hasSuffix("): sent while the server was away")
        }
        await alice.type("whoelse")
        try await alice.expect("bob")
        try await alice.logout()
        try await bobAgain.logout()
        try await restartable.server.shutdown()
    }

    /// Bob was shown alice logging out when the server stopped (it logs its users out one by one); she came
    /// back before him, so no presence event told him, and he is shown it after his own reconnection instead.
    @Test func whoCameBackFirstIsShownToTheOtherAfterARestart() async throws {
        var restartable = try await RestartableServer()
        let port = restartable.port
        let alice = try await TestClient.register("alice", port: port, configure: Self.quick())
        let bob = try await TestClient.register("bob", port: port) { configuration in
            configuration.reconnection = Reconnection(
                firstDelay: .seconds(1), longestDelay: .seconds(1), giveUpAfter: .seconds(30))
        }
        try await alice.expect("bob logged in")
        try await restartable.server.shutdown()
        try await bob.expect("alice logged out")
        try await restartable.restart()
        try await alice.expect(Texts.reconnected("127.0.0.1:\(port)"))
        try await bob.expect(Texts.reconnected("127.0.0.1:\(port)"))
        try await bob.expect("alice logged in")
        try await alice.logout()
        try await bob.expect("alice logged out")
        try await bob.logout()
        try await restartable.server.shutdown()
    }

    /// A private session ends with the connection to the server; both sides are told, whichever of them the
    /// server logged out first, since both clients go on.
    @Test func bothSidesOfAPrivateSessionAreToldItEnded() async throws {
        var restartable = try await RestartableServer()
        let port = restartable.port
        let alice = try await TestClient.register("alice", port: port, configure: Self.quick())
        let bob = try await TestClient.register("bob", port: port, configure: Self.quick())
        await alice.type("startprivate bob")
        try await bob.expect("alice would like to private message, enter y or n: ")
        await bob.type("y")
        try await alice.expect("Private messaging with bob goes directly between you")
        try await bob.expect("Private messaging with alice goes directly between you")

        try await restartable.server.shutdown()
        for (client, peer) in [(alice, "bob"), (bob, "alice")] {
            try await client.expect(within: 10, "the end of the session with \(peer)") {
                $0 == Texts.privateEnded(peer) || $0 == MessageRendering.privateEnded(peer: peer, reason: .logout)
            }
            try await client.expect(Texts.reconnecting("127.0.0.1:\(port)"))
        }
        try await restartable.restart()
        try await alice.expect(Texts.reconnected("127.0.0.1:\(port)"))
        try await bob.expect(Texts.reconnected("127.0.0.1:\(port)"))
        await alice.type("private bob still there?")
        try await alice.expect(ErrorCode.privateNotEnabled.text(subject: "bob"))
        try await alice.logout()
        try await bob.logout()
        try await restartable.server.shutdown()
    }

    /// So do requests for private sessions still waiting for an answer, on both sides.
    @Test func openPrivateRequestsAreToldClosed() async throws {
        var restartable = try await RestartableServer()
        let port = restartable.port
        let alice = try await TestClient.register("alice", port: port, configure: Self.quick())
        let carol = try await TestClient.register("carol", port: port, configure: Self.quick())
        await alice.type("startprivate carol")
        try await carol.expect("alice would like to private message, enter y or n: ")

        try await restartable.server.shutdown()
        try await alice.expect(within: 10, "the end of the request to carol") {
            $0 == Texts.ownRequestClosed("carol") || $0 == MessageRendering.privateEnded(peer: "carol", reason: .logout)
        }
        try await carol.expect(Texts.consentRequestClosed("alice"))
        try await restartable.restart()
        try await carol.expect(Texts.reconnected("127.0.0.1:\(port)"))
        await carol.type("y")
        try await carol.expect(Texts.noPendingConsent)
        try await alice.logout()
        try await carol.logout()
        try await restartable.server.shutdown()
    }

    /// Everyone comes back after a restart, not only the first few: forty clients at once.
    @Test func manyClientsAllComeBackAfterARestart() async throws {
        var restartable = try await RestartableServer()
        let port = restartable.port
        var clients: [TestClient] = []
        for index in 0..<40 {
            clients.append(try await TestClient.register("user\(index)", port: port, configure: Self.quick()))
        }
        try await restartable.server.shutdown()
        for client in clients { try await client.expect(Texts.reconnecting("127.0.0.1:\(port)")) }
        try await restartable.restart()
        for client in clients { try await client.expect(Texts.reconnected("127.0.0.1:\(port)")) }
        await clients[0].type("whoelse")
        try await clients[0].expect("user39")
        for client in clients { try await client.logout() }
        try await restartable.server.shutdown()
    }

    @Test func aCutConnectionIsPickedUpAgain() async throws {
        try await withServer { server in
            let proxy = try await RecordingProxy(forwardingTo: server.port)
            let alice = try await TestClient.register("alice", port: proxy.port, configure: Self.quick())
            let bob = try await TestClient.register("bob", port: server.port)
            try await alice.expect("bob logged in")
            await proxy.cutConnections()
            try await alice.expect(Texts.connectionLost)
            try await alice.expect(Texts.reconnecting("127.0.0.1:\(proxy.port)"))
            try await alice.expect(Texts.reconnected("127.0.0.1:\(proxy.port)"))
            // bob saw alice leave and come back, as for any logout and login.
            try await bob.expect("alice logged out")
            try await bob.expect("alice logged in")
            await bob.type("message alice welcome back")
            try await alice.expect("bob: welcome back")
            try await alice.logout()
            try await bob.logout()
            await proxy.close()
        }
    }

    @Test func theClientGivesUpWhenTheServerStaysAway() async throws {
        let server = try await ClientTestServer.start()
        let port = server.port
        let alice = try await TestClient.register(
            "alice", port: port, configure: Self.quick(giveUpAfter: .milliseconds(300)))
        try await server.stop()
        try await alice.expect(Texts.reconnecting("127.0.0.1:\(port)"))
        try await alice.expect(within: 10, "giving up") {
            $0.hasPrefix(Texts.couldNotReconnect("127.0.0.1:\(port)", reason: ""))
        }
        #expect(try await alice.exit() == .connectionLost)
    }

    @Test(arguments: [true, false])
    func theUserCanQuitWhileTheClientReconnects(typingLogout: Bool) async throws {
        let server = try await ClientTestServer.start()
        let alice = try await TestClient.register("alice", port: server.port, configure: Self.quick())
        try await server.stop()
        try await alice.expect(Texts.reconnecting("127.0.0.1:\(server.port)"))
        if typingLogout { await alice.type("logout") } else { await alice.console.end() }
        try await alice.expect(Texts.goodbye)
        #expect(try await alice.exit() == .loggedOut)
    }

    /// The token, not the password, brings the session back: a password changed in the session changes nothing.
    @Test func aSessionWhosePasswordChangedIsResumed() async throws {
        var restartable = try await RestartableServer()
        let alice = try await TestClient.register("alice", port: restartable.port, configure: Self.quick())
        await alice.type("password", "secret", "fresh-one", "fresh-one")
        try await alice.expect(Texts.passwordChanged)
        try await restartable.server.shutdown()
        try await alice.expect(Texts.reconnecting("127.0.0.1:\(restartable.port)"))
        try await restartable.restart()
        try await alice.expect(Texts.reconnected("127.0.0.1:\(restartable.port)"))
        try await alice.logout()
        try await restartable.server.shutdown()
    }

    /// The connection went while `password` asked its hidden questions: they are given up, and the next line
    /// is a command again, not a password.
    @Test func passwordQuestionsUnderWayAreGivenUp() async throws {
        var restartable = try await RestartableServer()
        let alice = try await TestClient.register("alice", port: restartable.port, configure: Self.quick())
        await alice.type("password")
        try await alice.console.expectPrompt(Texts.currentPasswordPrompt, secret: true)
        try await restartable.server.shutdown()
        try await alice.expect(Texts.passwordUnchanged)
        try await alice.console.waitUntilIdle()
        #expect(await alice.console.prompts.last == ScriptedConsole.Prompt(text: Texts.commandPrompt, secret: false))
        await alice.type("whoelse")
        try await alice.expect(Texts.heldUntilReconnected)
        try await restartable.restart()
        try await alice.expect(Texts.reconnected("127.0.0.1:\(restartable.port)"))
        try await alice.expect(Texts.noOtherUsersOnline)
        try await alice.logout()
        try await restartable.server.shutdown()
    }

    /// The password was reset while the server was down, which ends the session's resume grant: the client
    /// says so and asks for the password, hidden, as at a first login, whether or not a line was typed
    /// meanwhile (with none, the command prompt that was waiting stayed the prompt, and the password was shown
    /// as typed, until the twenty-second session). A line typed meanwhile is entered after that login.
    @Test(arguments: [true, false]) func aPasswordResetMeanwhileIsAskedForHidden(typingMeanwhile: Bool) async throws {
        var restartable = try await RestartableServer()
        let alice = try await TestClient.register("alice", port: restartable.port, configure: Self.quick())
        try await alice.console.waitUntilIdle()
        try await restartable.server.shutdown()
        try await alice.expect(Texts.reconnecting("127.0.0.1:\(restartable.port)"))
        if typingMeanwhile {
            await alice.type("whoelse")
            try await alice.expect(Texts.heldUntilReconnected)
        }
        try PasswordReset.run(
            name: "alice", password: "reset-pw",
            database: .sqlite(path: try #require(restartable.options.databasePath)),
            hasher: restartable.options.configuration.passwordHasher)
        try await restartable.restart()
        try await alice.expect(ErrorCode.resumeRefused.text())
        try await alice.console.waitUntilIdle()
        #expect(await alice.console.prompts.last == ScriptedConsole.Prompt(text: Texts.passwordPrompt, secret: true))
        await alice.type("reset-pw")
        try await alice.expect(Texts.welcome)
        if typingMeanwhile { try await alice.expect(Texts.noOtherUsersOnline) }
        try await alice.logout()
        try await restartable.server.shutdown()
    }

    /// The client logs in once with its password; every return after that is a `resume` with the token the
    /// last login or resume gave, never the password again. A resume refused as `busy` is tried again later; a
    /// command whose reply never came is reported as perhaps not carried out.
    @Test func reconnectionsResumeWithTheLatestTokenAndRetryWhenBusy() async throws {
        let seen = Mutex<[String]>([])
        let answer: @Sendable (Int, Request) -> String = { id, request in
            switch request.command {
            case .login(let username, let password):
                seen.withLock { $0.append("login \(username) \(password)") }
                return wireLines(.reply(Reply(id: .number(id), username: "dan", waiting: 0, resume: "token-1")))
            case .resume(let username, let token):
                let attempt = seen.withLock {
                    $0.append("resume \(username) \(token)")
                    return $0.count { $0.hasPrefix("resume") }
                }
                return wireLines(
                    attempt == 1
                        ? .reply(.failure(.number(id), .busy))
                        : .reply(Reply(id: .number(id), username: "dan", waiting: 0, resume: "token-\(attempt)")))
            case .message:
                return wireLines(.event(.loggedOut(reason: .shutdown)))  // and no reply to the message
            default:
                return wireLines(.reply(Reply(id: .number(id))))
            }
        }
        try await withAnsweringServer(answer) { port in
            let client = TestClient(port: port, configure: Self.quick())
            await client.type("dan", "secret")
            try await client.expect(Texts.welcome)
            await client.type("message bob hi")
            try await client.expect(Texts.serverShutdown)
            try await client.expect(Texts.unansweredAtLoss)
            try await client.expect(Texts.reconnecting("127.0.0.1:\(port)"))
            try await client.expect(Texts.reconnected("127.0.0.1:\(port)"))
            await client.type("message bob again")
            try await client.expect(Texts.serverShutdown)
            try await client.expect(Texts.reconnected("127.0.0.1:\(port)"))
            #expect(
                seen.withLock { $0 } == [
                    "login dan secret", "resume dan token-1", "resume dan token-1", "resume dan token-2",
                ])
            #expect(!(await client.output).contains(ErrorCode.busy.text()))
            await client.type("logout")
            #expect(try await client.exit() == .loggedOut)
        }
    }

    @Test func backOffDoublesUpToTheLongestWait() {
        let policy = Reconnection(firstDelay: .seconds(1), longestDelay: .seconds(30), giveUpAfter: .seconds(300))
        #expect((1...7).map { policy.delay(beforeAttempt: $0) } == [1, 2, 4, 8, 16, 30, 30].map { .seconds($0) })
        #expect(policy.delay(beforeAttempt: 1000) == .seconds(30))
        #expect(policy.jitteredDelay(beforeAttempt: 3, fraction: 0.5) == .seconds(2))
        #expect(policy.jitteredDelay(beforeAttempt: 3, fraction: 1) == .seconds(4))
        #expect(policy.jitteredDelay(beforeAttempt: 3, fraction: 7) == .seconds(4))
        for _ in 1...100 {
            #expect((.seconds(15)...(.seconds(30))).contains(policy.jitteredDelay(beforeAttempt: 9)))
        }
    }
}
