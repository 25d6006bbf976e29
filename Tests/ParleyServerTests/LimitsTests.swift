import ParleyCore
import ParleyProtocol
import Testing

@Suite struct LimitsTests {
    @Test func aFloodingConnectionGetsRateLimitedAndOthersDoNot() async throws {
        try await withServer(.init(commandRate: RateLimit(burst: 5, perSecond: 0.01))) { server in
            let flooder = try await server.login("flooder")  // hello, login, register: 3 tokens
            try await flooder.ok(.whoelse)
            try await flooder.ok(.whoelse)
            let limited = try await flooder.request(.whoelse)
            #expect(limited.error == ErrorBody(.rateLimited))
            let calm = try await server.login("calm")
            try await calm.ok(.whoelse)
        }
    }

    /// Past its burst of refusals in a row, a connection that goes on flooding is told and closed; the others
    /// carry on.
    @Test func aConnectionThatGoesOnFloodingIsDisconnected() async throws {
        try await withServer(.init(commandRate: RateLimit(burst: 5, perSecond: 0.01))) { server in
            let calm = try await server.login("calm")
            let flooder = try await server.login("flooder")  // hello, login, register: 3 tokens
            let pings = (1...20).map { #"{"id":\#($0 + 100),"op":"ping"}"# + "\n" }.joined()
            try await flooder.sendRaw(Array(pings.utf8))
            let seen = try await flooder.waitForClose()
            #expect(seen.last == .loggedOut(reason: .tooFast))
            let gone = ServerEvent.presence(user: "flooder", online: false)
            #expect(try await calm.waitForEvent { $0 == gone } == gone)
            try await calm.ok(.whoelse)
        }
    }

    @Test func failedLoginsAreLimitedPerAddressNotForOtherAddresses() async throws {
        let options = ServerOptions(loginAttemptsPerAddress: RateLimit(burst: 3, perSecond: 0.001))
        try await withServer(options) { server in
            for name in ["u1", "u2", "u3", "u4"] {
                // Successful registrations give their token back.
                try await server.login(name).ok(.logout)
            }
            let guesser = try await server.connect()
            try await guesser.hello()
            for name in ["u1", "u2", "u3"] {
                #expect(
                    try await guesser.request(.login(username: name, password: "guess")).error?.code == .wrongPassword)
            }
            let refused = try await guesser.request(.login(username: "u4", password: "secret"))
            #expect(refused.error?.message == "Error. Too many login attempts; please wait a minute and try again")
            let elsewhere = try await server.connect(from: "127.0.0.2")
            try await elsewhere.hello()
            #expect(try await elsewhere.request(.login(username: "u4", password: "secret")).ok)
        }
    }

    @Test func registrationsAreLimitedPerAddressNotForOtherAddresses() async throws {
        let options = ServerOptions(registrationsPerAddress: RateLimit(burst: 2, perSecond: 0.001))
        try await withServer(options) { server in
            try await server.login("r1").ok(.logout)
            try await server.login("r2").ok(.logout)
            let third = try await server.connect()
            try await third.hello()
            let refused = try await third.request(.register(username: "r3", password: "pw", confirmation: "pw"))
            #expect(refused.error == ErrorBody(.tooManyRegistrations))
            // Accounts that exist still log in from there; another address may still register.
            #expect(try await third.request(.login(username: "r1", password: "secret")).ok)
            let elsewhere = try await server.connect(from: "127.0.0.2")
            try await elsewhere.hello()
            #expect(try await elsewhere.request(.register(username: "r3", password: "pw", confirmation: "pw")).ok)
        }
    }

    @Test func tooManyWaitingConnectionsAreTurnedAway() async throws {
        try await withServer(.init(maxUnauthenticated: 2)) { server in
            let first = try await server.connect()
            let second = try await server.connect()
            try await first.hello()
            try await second.hello()
            let third = try await server.connect()
            #expect(try await third.waitForClose().contains(.loggedOut(reason: .serverFull)))
            // Once one logs in, there is room again.
            try await first.loginOrRegister("alice", password: "pw")
            let fourth = try await server.connect()
            try await fourth.hello()
        }
    }

    @Test func aConnectionThatDoesNotLogInIsClosedAfterTheDeadline() async throws {
        // prompt must log in within the deadline, which is short so the test is quick.
        try await withGrowingTimeLimit(from: 2) { deadline in
            try await withServer(.init(loginDeadline: deadline)) { server in
                let (idle, prompt) = try await racingTheTimer {
                    (try await server.connect(), try await server.login("prompt"))
                }
                #expect(try await idle.waitForClose(within: deadline + 10).contains(.loggedOut(reason: .loginTimeout)))
                // prompt connected just after idle, so its deadline has passed too; logging in cancelled it.
                try await prompt.expectSilence(for: 0.5)
                try await prompt.ok(.whoelse)
            }
        }
    }
}
