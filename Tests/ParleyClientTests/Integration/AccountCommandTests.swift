import Foundation
import ParleyClient
import ParleyProtocol
import Testing

@Suite("password and blocked, against a real server")
struct AccountCommandTests {
    @Test func passwordChangesThePasswordTheNextLoginNeeds() async throws {
        try await withServer { server in
            let alice = try await TestClient.register("alice", password: "secret", port: server.port)
            await alice.type("password")
            try await alice.console.expectPrompt(Texts.currentPasswordPrompt, secret: true)
            await alice.type("secret")
            try await alice.console.expectPrompt(Texts.newPasswordPrompt, secret: true)
            await alice.type("new secret")
            try await alice.expect("Error. Passwords are 1-128 characters without spaces")
            await alice.type("fresh")
            try await alice.console.expectPrompt(Texts.confirmNewPasswordPrompt, secret: true)
            await alice.type("frehs")
            try await alice.expect("Passwords do not match. Please try again")
            await alice.type("fresh", "fresh")
            try await alice.expect("Your password has been changed")
            try await alice.logout()

            let again = TestClient(port: server.port)
            await again.type("alice", "secret")
            try await again.expect("Invalid Password. Please try again")
            await again.type("fresh")
            try await again.expect(Texts.welcome)
            try await again.logout()
        }
    }

    @Test func aWrongCurrentPasswordOrAnEmptyAnswerChangesNothing() async throws {
        try await withServer { server in
            let alice = try await TestClient.register("alice", password: "secret", port: server.port)
            await alice.type("password", "guess", "fresh", "fresh")
            try await alice.expect("Error. That is not your current password; your password was not changed")
            await alice.type("password", "secret", "")
            try await alice.expect("Your password was not changed")
            // Back at the command prompt.
            await alice.type("whoelse")
            try await alice.expect("No other users are online")
            try await alice.logout()
            try await TestClient.login("alice", password: "secret", port: server.port).logout()
        }
    }

    @Test func messagesArrivingDuringTheQuestionsAreShown() async throws {
        try await withServer { server in
            let alice = try await TestClient.register("alice", port: server.port)
            let bob = try await TestClient.register("bob", port: server.port)
            await alice.type("password")
            try await alice.console.expectPrompt(Texts.currentPasswordPrompt, secret: true)
            await bob.type("message alice still there?")
            try await alice.expect("bob: still there?")
            await alice.type("secret", "fresh", "fresh")
            try await alice.expect("Your password has been changed")
            try await alice.logout()
            try await bob.logout()
        }
    }

    @Test func blockedListsWhomYouHaveBlocked() async throws {
        try await withServer { server in
            try await TestClient.register("carol", port: server.port).logout()
            let alice = try await TestClient.register("alice", port: server.port)
            await alice.type("blocked")
            try await alice.expect("You have not blocked anyone")
            await alice.type("block carol")
            try await alice.expect("carol is blocked")
            let bob = try await TestClient.register("bob", port: server.port)
            try await alice.expect("bob logged in")
            await alice.type("block bob", "blocked")
            try await alice.expect("bob is blocked")
            try await alice.expect("bob")
            try await alice.expect("carol")
            try await bob.logout()
            try await alice.logout()
        }
    }
}
