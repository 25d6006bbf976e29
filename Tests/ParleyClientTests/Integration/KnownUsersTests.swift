import Foundation
import ParleyProtocol
import Testing

@testable import ParleyClient

@Suite("The names Tab completes, learnt from the server")
struct KnownUsersTests {
    @Test func whoIsOnlineAtLoginAndWhoeverAppearsLater() async throws {
        try await withServer { server in
            try await TestClient.register("dave", port: server.port).logout()
            let carol = try await TestClient.register("carol", port: server.port)
            let alice = try await TestClient.register("alice", port: server.port, completesNames: true)
            // carol was online before alice logged in: alice's client asked who is online, and that answer
            // came before the answer to anything alice asks next.
            await alice.type("blocked")
            try await alice.expect("You have not blocked anyone")
            #expect(alice.session.knownUsers.all == ["carol"])
            #expect(await !alice.output.contains("carol"))
            let bob = try await TestClient.register("bob", port: server.port)
            try await alice.expect("bob logged in")
            #expect(alice.session.knownUsers.all == ["bob", "carol"])
            // Someone offline is learnt from a who-list or a message.
            await alice.type("whoelsesince 3600")
            try await alice.expect("dave")
            #expect(alice.session.knownUsers.all == ["bob", "carol", "dave"])
            try await bob.logout()
            try await carol.logout()
            try await alice.logout()
        }
    }

    @Test func aClientThatCompletesNothingDoesNotAsk() async throws {
        try await withServer { server in
            let carol = try await TestClient.register("carol", port: server.port)
            let alice = try await TestClient.register("alice", port: server.port)
            await alice.type("blocked")
            try await alice.expect("You have not blocked anyone")
            #expect(alice.session.knownUsers.all == [])
            try await alice.logout()
            try await carol.logout()
        }
    }
}
