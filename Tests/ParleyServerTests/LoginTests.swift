import ParleyProtocol
import Testing

@Suite struct LoginTests {
    @Test func helloComesFirstAndVersionsMustMatch() async throws {
        try await withServer { server in
            let client = try await server.connect()
            #expect(try await client.request(.whoelse).error?.code == .helloRequired)
            #expect(try await client.request(.hello(version: 99, client: nil)).error?.code == .unsupportedVersion)
            let hello = try await client.ok(.hello(version: 1, client: "tests"))
            #expect(hello.version == 1)
            #expect(hello.server == "parleyd")
            #expect(try await client.request(.whoelse).error == ErrorBody(.notLoggedIn))
        }
    }

    @Test func registrationNeedsMatchingConfirmationAndThenLogsIn() async throws {
        try await withServer { server in
            let client = try await server.connect()
            try await client.hello()
            let first = try await client.request(.login(username: "carol", password: "pw1"))
            #expect(
                first.error == ErrorBody(code: .newUser, message: "This is a new user. Please confirm your password: "))
            let mismatch = try await client.request(.register(username: "carol", password: "pw1", confirmation: "pw2"))
            #expect(mismatch.error?.message == "Passwords do not match. Please try again")
            // No account was created by the mismatch.
            #expect(try await client.request(.login(username: "carol", password: "pw1")).error?.code == .newUser)
            let registered = try await client.ok(.register(username: "carol", password: "pw1", confirmation: "pw1"))
            #expect(registered.username == "carol")
            #expect(registered.waiting == 0)
            #expect(
                try await client.request(.login(username: "carol", password: "pw1")).error?.code
                    == .alreadyAuthenticated)
        }
    }

    @Test func noRegistrationRefusesUnknownUsers() async throws {
        try await withServer(.init(registration: false)) { server in
            let client = try await server.connect()
            try await client.hello()
            #expect(try await client.request(.login(username: "dave", password: "pw")).error == ErrorBody(.invalidUser))
            #expect(
                try await client.request(.register(username: "dave", password: "pw", confirmation: "pw")).error?.code
                    == .invalidUser)
        }
    }

    @Test func credentialRulesAreExplained() async throws {
        try await withServer { server in
            let client = try await server.connect()
            try await client.hello()
            let badName = try await client.request(.login(username: "no spaces", password: "pw"))
            #expect(badName.error?.message == "Error. Usernames are 1-32 characters of A-Z a-z 0-9 . _ -")
            let badPassword = try await client.request(.login(username: "erin", password: "has space"))
            #expect(badPassword.error?.message == "Error. Passwords are 1-128 characters without spaces")
        }
    }

    @Test func threeWrongPasswordsLockTheAccountForEveryConnection() async throws {
        try await withServer(.init(blockDuration: 60)) { server in
            let alice = try await server.login("alice", password: "right")
            try await alice.ok(.logout)
            let client = try await server.connect()
            try await client.hello()
            let wrong = Command.login(username: "alice", password: "wrong")
            #expect(try await client.request(wrong).error?.message == "Invalid Password. Please try again")
            #expect(try await client.request(wrong).error?.code == .wrongPassword)
            #expect(
                try await client.request(wrong).error?.message
                    == "Invalid Password. Your account has been blocked. Please try again later")
            let other = try await server.connect()
            try await other.hello()
            let locked = try await other.request(.login(username: "alice", password: "right"))
            #expect(
                locked.error?.message
                    == "Your account is blocked due to multiple login failures. Please try again later")
        }
    }

    @Test func lockExpiresAfterTheBlockDuration() async throws {
        try await withServer(.init(blockDuration: 1)) { server in
            let alice = try await server.login("alice", password: "right")
            try await alice.ok(.logout)
            let client = try await server.connect()
            try await client.hello()
            for _ in 0..<3 { _ = try await client.request(.login(username: "alice", password: "wrong")) }
            #expect(
                try await client.request(.login(username: "alice", password: "right")).error?.code == .accountLocked)
            // Poll (bounded) until the one-second lock has passed.
            var reply = try await client.request(.login(username: "alice", password: "right"))
            for _ in 0..<40 where reply.error?.code == .accountLocked {
                try await Task.sleep(nanoseconds: 100_000_000)
                reply = try await client.request(.login(username: "alice", password: "right"))
            }
            #expect(reply.ok)
        }
    }

    @Test func aSecondLoginIsRefusedAndTheFirstSessionStays() async throws {
        try await withServer { server in
            let first = try await server.login("alice")
            let second = try await server.connect()
            try await second.hello()
            let refused = try await second.request(.login(username: "alice", password: "secret"))
            #expect(refused.error?.message == "This user is already logged in")
            #expect(try await first.ok(.whoelse).users == [])
        }
    }
}
