import NIOPosix
import ParleyClient
import ParleyProtocol
import Testing

@Suite("Logging in and registering against a real server")
struct LoginTests {
    @Test func aNewUserConfirmsThePasswordAndIsWelcomed() async throws {
        try await withServer { server in
            let alice = TestClient(port: server.port)
            await alice.type("alice", "secret", "secret")
            try await alice.expect(Texts.welcome)
            try await alice.console.waitUntilIdle()
            #expect(
                await alice.console.prompts == [
                    .init(text: "Username: ", secret: false),
                    .init(text: "Password: ", secret: true),
                    .init(text: "This is a new user. Please confirm your password: ", secret: true),
                    .init(text: "> ", secret: false),
                ])
            await alice.type("logout")
            try await alice.expect("Goodbye")
            let exit = try await alice.exit()
            #expect(exit == .loggedOut)
            #expect(exit.status == 0)
        }
    }

    @Test func aMismatchedConfirmationAsksForThePasswordAgain() async throws {
        try await withServer { server in
            let carol = TestClient(port: server.port)
            await carol.type("carol", "first", "second")
            try await carol.expect("Passwords do not match. Please try again")
            await carol.type("third", "third")
            try await carol.expect(Texts.welcome)
            let passwordPrompts = await carol.console.prompts.filter { $0.text == "Password: " }
            #expect(passwordPrompts.count == 2)
            try await carol.logout()
            let again = try await TestClient.login("carol", password: "third", port: server.port)
            try await again.logout()
        }
    }

    @Test func wrongPasswordsAskAgainAndTheThirdLocksTheAccount() async throws {
        try await withServer { server in
            try await TestClient.register("dave", port: server.port).logout()
            let dave = TestClient(port: server.port)
            await dave.type("dave", "nope1", "nope2", "nope3")
            try await dave.expect("Invalid Password. Please try again")
            try await dave.expect("Invalid Password. Please try again")
            try await dave.expect("Invalid Password. Your account has been blocked. Please try again later")
            let exit = try await dave.exit()
            #expect(exit == .refused)
            #expect(exit.status == 1)

            let later = TestClient(port: server.port)
            await later.type("dave", "secret")
            try await later.expect("Your account is blocked due to multiple login failures. Please try again later")
            #expect(try await later.exit() == .refused)
        }
    }

    @Test func aWrongPasswordThenTheRightOneLogsIn() async throws {
        try await withServer { server in
            try await TestClient.register("erin", port: server.port).logout()
            let erin = TestClient(port: server.port)
            await erin.type("erin", "wrong", "secret")
            try await erin.expect("Invalid Password. Please try again")
            try await erin.expect(Texts.welcome)
            try await erin.logout()
        }
    }

    @Test func aUserAlreadyLoggedInIsTurnedAwayAndTheFirstSessionStays() async throws {
        try await withServer { server in
            let alice = try await TestClient.register("alice", port: server.port)
            let second = TestClient(port: server.port)
            await second.type("alice", "secret")
            try await second.expect("This user is already logged in")
            #expect(try await second.exit() == .refused)
            await alice.type("whoelse")
            try await alice.expect("No other users are online")
            try await alice.logout()
        }
    }

    @Test func withoutRegistrationAnUnknownUserIsRefused() async throws {
        try await withServer(registration: false) { server in
            let stranger = TestClient(port: server.port)
            await stranger.type("stranger", "secret")
            try await stranger.expect("Error. Invalid user")
            #expect(try await stranger.exit() == .refused)
        }
    }

    @Test func badUsernamesAndPasswordsAreExplainedAndAskedAgain() async throws {
        try await withServer { server in
            let frank = TestClient(port: server.port)
            await frank.type("not valid!", "frank", "has space", "secret", "secret")
            try await frank.expect("Error. Usernames are 1-32 characters of A-Z a-z 0-9 . _ -")
            try await frank.expect("Error. Passwords are 1-128 characters without spaces")
            try await frank.expect(Texts.welcome)
            let prompts = await frank.console.prompts.map(\.text)
            #expect(Array(prompts.prefix(4)) == ["Username: ", "Username: ", "Password: ", "Password: "])
            try await frank.logout()
        }
    }

    @Test func endOfInputBeforeLoggingInEndsTheRun() async throws {
        try await withServer { server in
            let quitter = TestClient(port: server.port)
            try await quitter.console.expectPrompt("Username: ", secret: false)
            await quitter.console.end()
            let exit = try await quitter.exit()
            #expect(exit == .inputEnded)
            #expect(exit.status == 1)
        }
    }

    @Test func noServerMeansCannotConnect() async throws {
        let closed = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(closed.localAddress?.port)
        try await closed.close()
        let console = ScriptedConsole()
        let exit = await ClientSession(configuration: ClientConfiguration(port: port), console: console).run()
        #expect(exit == .cannotConnect(reason: "Connection refused"))
        #expect(exit.status == 1)
        #expect(
            Texts.cannotConnect(host: "127.0.0.1", port: port, reason: "Connection refused")
                == "Cannot connect to 127.0.0.1:\(port): Connection refused")
    }
}
