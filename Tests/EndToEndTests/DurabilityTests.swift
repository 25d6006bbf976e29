import Foundation
import ParleyProtocol
import ParleyTesting
import Testing

/// Kills the real `parleyd` with SIGKILL and checks that what it acknowledged survived.
@Suite(.serialized) struct DurabilityTests {
    /// One database for the restarts of a test.
    let directory = TestDirectory.fresh()

    @Test func anAcknowledgedOfflineMessageSurvivesKillDashNineExactlyOnce() throws {
        var server = try ServerBinary(directory: directory, extraArguments: ["--insecure-plaintext"])
        do {
            let bob = try LineSocket.loggedIn("bob", port: server.port)
            #expect(try bob.request(.logout).ok)
            let alice = try LineSocket.loggedIn("alice", port: server.port)
            let reply = try alice.request(.message(to: "bob", text: "survive this"))
            #expect(reply.ok && reply.stored == true)
        }
        server.child.signal(SIGKILL)
        _ = try server.child.waitForExit()

        server = try ServerBinary(directory: directory, extraArguments: ["--insecure-plaintext"])
        do {
            let bob = try LineSocket(port: server.port)
            #expect(try bob.request(.hello(version: 1, client: "e2e")).ok)
            var events: [ServerEvent] = []
            let login = try bob.request(.login(username: "bob", password: "pw"), events: &events)
            #expect(login.waiting == 1)
            let message = try bob.nextEvent()
            guard case .message(let delivered) = message else {
                Issue.record("expected the waiting message, got \(message)")
                return
            }
            #expect(delivered.from == "alice" && delivered.text == "survive this" && delivered.kind == .offline)
            #expect(try bob.request(.logout).ok)
        }
        // Delivered once: after a graceful restart it is gone.
        server.child.signal(SIGTERM)
        #expect(try server.child.waitForExit() == 0)
        server = try ServerBinary(directory: directory, extraArguments: ["--insecure-plaintext"])
        let bob = try LineSocket(port: server.port)
        #expect(try bob.request(.hello(version: 1, client: "e2e")).ok)
        #expect(try bob.request(.login(username: "bob", password: "pw")).waiting == 0)
        server.child.signal(SIGTERM)
        #expect(try server.child.waitForExit() == 0)
    }

    @Test func locksAndBlocksSurviveARestart() throws {
        var server = try ServerBinary(
            directory: directory, extraArguments: ["--insecure-plaintext", "--block-duration", "600"])
        do {
            let alice = try LineSocket.loggedIn("alice", port: server.port)
            _ = try LineSocket.loggedIn("bob", port: server.port)
            #expect(try alice.request(.block(user: "bob")).ok)
            let mallory = try LineSocket.loggedIn("mallory", port: server.port, password: "right")
            #expect(try mallory.request(.logout).ok)
            let guesser = try LineSocket(port: server.port)
            #expect(try guesser.request(.hello(version: 1, client: "e2e")).ok)
            #expect(try guesser.request(.login(username: "mallory", password: "wrong1")).error?.code == .wrongPassword)
            #expect(try guesser.request(.login(username: "mallory", password: "wrong2")).error?.code == .wrongPassword)
        }
        // Two wrong guesses before the crash and one after lock the account: the count itself is durable.
        server.child.signal(SIGKILL)
        _ = try server.child.waitForExit()
        server = try ServerBinary(
            directory: directory, extraArguments: ["--insecure-plaintext", "--block-duration", "600"])
        do {
            let guesser = try LineSocket(port: server.port)
            #expect(try guesser.request(.hello(version: 1, client: "e2e")).ok)
            #expect(
                try guesser.request(.login(username: "mallory", password: "wrong3")).error?.code == .accountLockedNow)
        }
        server.child.signal(SIGKILL)
        _ = try server.child.waitForExit()
        server = try ServerBinary(
            directory: directory, extraArguments: ["--insecure-plaintext", "--block-duration", "600"])
        let mallory = try LineSocket(port: server.port)
        #expect(try mallory.request(.hello(version: 1, client: "e2e")).ok)
        #expect(try mallory.request(.login(username: "mallory", password: "right")).error?.code == .accountLocked)
        let bob = try LineSocket.loggedIn("bob", port: server.port)
        #expect(try bob.request(.message(to: "alice", text: "hi")).error?.code == .blockedByRecipient)
        server.child.signal(SIGTERM)
        #expect(try server.child.waitForExit() == 0)
    }
}
