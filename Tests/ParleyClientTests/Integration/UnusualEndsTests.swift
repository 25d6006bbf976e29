import Foundation
import ParleyProtocol
import Synchronization
import Testing

@testable import ParleyClient

/// Sessions that end without the server closing them plainly. The client pings the server every
/// `keepAliveInterval` while logged in: a server that says nothing for longer than `serverSilenceLimit` (the
/// network between failed and neither side closed the connection) is taken to be gone, so the user is not left
/// waiting for replies that never come, while a server that answers the pings keeps the session for as long as
/// it lasts. A server that closes a flooding connection says why, and the client tells its user.
@Suite struct UnusualEndsTests {
    /// How many pings the server got.
    private final class Pings: Sendable {
        private let count = Mutex(0)
        var value: Int { count.withLock { $0 } }
        func add() { count.withLock { $0 += 1 } }
    }

    private static func answer(pings: Pings, answering: Bool) -> @Sendable (Int, Request) -> String {
        { id, request in
            switch request.command {
            case .login: return wireLines(.reply(Reply(id: .number(id), username: "dan", waiting: 0)))
            case .ping:
                pings.add()
                return answering ? wireLines(.reply(Reply(id: .number(id)))) : ""
            default: return wireLines(.reply(Reply(id: .number(id), users: [])))
            }
        }
    }

    @Test func aServerThatStopsAnsweringIsTakenForALostConnection() async throws {
        let pings = Pings()
        try await withAnsweringServer(Self.answer(pings: pings, answering: false)) { port in
            let client = TestClient(port: port) {
                $0.keepAliveInterval = .milliseconds(50)
                $0.serverSilenceLimit = .milliseconds(300)
            }
            await client.type("dan", "secret")
            try await client.expect(Texts.welcome)
            try await client.expect(Texts.serverStoppedAnswering)
            #expect(await client.run.value == .connectionLost)
            #expect(pings.value >= 1)  // it did ask
        }
    }

    /// A client that did not run for longer than the silence limit (stopped with Ctrl-Z, a laptop asleep)
    /// missed the ticks of that time too: it pings when it runs again instead of taking the server for gone.
    @Test func timeTheClientDidNotRunIsNotTheServersSilence() async throws {
        let pings = Pings()
        let (ticks, tick) = AsyncStream.makeStream(of: Void.self)
        try await withAnsweringServer(Self.answer(pings: pings, answering: true)) { port in
            let client = TestClient(port: port) {
                $0.keepAliveInterval = .milliseconds(20)
                $0.serverSilenceLimit = .milliseconds(50)
                $0.keepAliveTicks = { _ in ticks }
            }
            await client.type("dan", "secret")
            try await client.expect(Texts.welcome)
            tick.yield()
            try await within(10, "the first ping") {
                while pings.value < 1 { try await Task.sleep(for: .milliseconds(5)) }
            }
            try await Task.sleep(for: .milliseconds(200))  // Not waiting for anything: the time the client was stopped.
            tick.yield()  // The one tick due when it runs again.
            try await within(10, "the second ping") {
                while pings.value < 2 { try await Task.sleep(for: .milliseconds(5)) }
            }
            await client.type("whoelse")
            try await client.expect(Texts.noOtherUsersOnline)
            #expect(!(await client.output).contains(Texts.serverStoppedAnswering))
            await client.type("logout")
            #expect(await client.run.value == .loggedOut)
        }
    }

    /// A server that closes a flooding connection says so; the client tells its user why it ended.
    @Test func beingDisconnectedForFloodingIsExplained() async throws {
        let answer: @Sendable (Int, Request) -> String = { id, request in
            guard case .login = request.command else { return wireLines(.reply(Reply(id: .number(id)))) }
            return wireLines(
                .reply(Reply(id: .number(id), username: "dan", waiting: 0)), .event(.loggedOut(reason: .tooFast)))
        }
        try await withAnsweringServer(answer) { port in
            let client = TestClient(port: port)
            await client.type("dan", "secret")
            try await client.expect(Texts.disconnectedTooFast)
            #expect(await client.run.value == .connectionLost)
        }
    }

    @Test func aServerThatAnswersKeepsTheSession() async throws {
        let pings = Pings()
        try await withAnsweringServer(Self.answer(pings: pings, answering: true)) { port in
            let client = TestClient(port: port) {
                $0.keepAliveInterval = .milliseconds(20)
                $0.serverSilenceLimit = .seconds(1)
            }
            await client.type("dan", "secret")
            try await client.expect(Texts.welcome)
            // Pings answered for longer than the limit: each answer counts as hearing from the server.
            try await within(20, "a hundred answered pings") {
                while pings.value < 100 { try await Task.sleep(for: .milliseconds(10)) }
            }
            await client.type("whoelse")
            try await client.expect(Texts.noOtherUsersOnline)
            await client.type("logout")
            #expect(await client.run.value == .loggedOut)
        }
    }
}
