import Foundation
import ParleyClient
import ParleyCore
import ParleyProtocol
import ParleyStore
import ParleyTesting
import Testing

@Suite("Commands and what arrives, against a real server")
struct CommandTests {
    @Test func messagesBothWaysAndPresence() async throws {
        try await withServer { server in
            let alice = try await TestClient.register("alice", port: server.port)
            let bob = try await TestClient.register("bob", port: server.port)
            try await alice.expect("bob logged in")
            await alice.type("message bob hello   bob")
            try await bob.expect("alice: hello   bob")
            await bob.type("message alice hi alice")
            try await alice.expect("bob: hi alice")
            try await bob.logout()
            try await alice.expect("bob logged out")
            try await alice.logout()
        }
    }

    @Test func aMessageForSomeoneOfflineWaitsAndArrivesWithItsTime() async throws {
        try await withServer { server in
            try await TestClient.register("bob", port: server.port).logout()
            let alice = try await TestClient.register("alice", port: server.port)
            await alice.type("message bob first")
            try await alice.expect("bob is offline; the message will be delivered when they log in")
            await alice.type("message bob second")
            try await alice.expect("bob is offline; the message will be delivered when they log in")
            let bob = try await TestClient.login("bob", port: server.port)
            let first = try await bob.expect("the first waiting message") { $0.hasPrefix("alice (offline, ") }
            #expect(first.wholeMatch(of: /alice \(offline, \d\d:\d\d\): first/) != nil)
            let second = try await bob.expect("the second waiting message") { $0.hasPrefix("alice (offline, ") }
            #expect(second.hasSuffix("): second"))
            // The prompt came only after the waiting messages.
            try await bob.console.waitUntilIdle()
            #expect(await bob.output.suffix(2).allSatisfy { $0.hasPrefix("alice (offline, ") })
            try await bob.logout()
            // The client confirmed them once shown (`received`), so the server let them go: not again.
            let again = try await TestClient.login("bob", port: server.port)
            try await again.console.waitUntilIdle()
            #expect(await !again.output.contains { $0.contains("(offline, ") })
            try await again.logout()
            try await alice.logout()
        }
    }

    @Test func broadcastReachesEveryoneButThoseWhoBlockedTheSender() async throws {
        try await withServer { server in
            let alice = try await TestClient.register("alice", port: server.port)
            let bob = try await TestClient.register("bob", port: server.port)
            let carol = try await TestClient.register("carol", port: server.port)
            await alice.type("broadcast hello all")
            try await bob.expect("alice (broadcast): hello all")
            try await carol.expect("alice (broadcast): hello all")
            await carol.type("block alice")
            try await carol.expect("alice is blocked")
            await alice.type("broadcast again")
            try await alice.expect("Your message could not be delivered to some recipients")
            try await bob.expect("alice (broadcast): again")
            await carol.type("unblock alice")
            try await carol.expect("alice is unblocked")
            #expect(await !carol.output.contains("alice (broadcast): again"))
            for client in [alice, bob, carol] { try await client.logout() }
        }
    }

    @Test func whoelseAndWhoelsesince() async throws {
        try await withServer { server in
            let alice = try await TestClient.register("alice", port: server.port)
            await alice.type("whoelse")
            try await alice.expect("No other users are online")
            await alice.type("whoelsesince 60")
            try await alice.expect("No other users were online in the last 60 seconds")
            let carol = try await TestClient.register("carol", port: server.port)
            let bob = try await TestClient.register("bob", port: server.port)
            try await bob.logout()
            await alice.type("whoelse")
            try await alice.expect("carol")
            await alice.type("whoelsesince 3600")
            try await alice.expect("bob")
            try await alice.expect("carol")
            try await carol.logout()
            try await alice.logout()
        }
    }

    /// A `users` reply is one frame with every name in it: on a server with a few thousand users it is longer
    /// than a request may be (64 KiB), and the client still takes it whole.
    @Test func whoelsesinceListsThousandsOfUsers() async throws {
        let path = TestDirectory.fresh().appendingPathComponent("parley.db").path
        let now = Date()
        // 2,500 names of 32 characters, the longest allowed: about 87 KiB of JSON.
        let names = (0..<2500).map { String("user-\($0)-" + String(repeating: "x", count: 32)).prefix(32) }.map(
            String.init)
        try SQLiteStore(path: path).apply(
            names.flatMap { name -> [StoreWrite] in
                [
                    .createAccount(
                        name: name, passwordHash: PasswordHash(encoded: "scrypt$1024$8$1$c2FsdA$aGFzaA"), at: now),
                    .recordLogin(name: name, at: now), .recordLogout(name: name, at: now),
                ]
            })
        var options = ClientTestServer.options()
        options.databasePath = path
        try await options.run { server in
            let alice = try await TestClient.register("alice", port: server.port)
            await alice.type("whoelsesince 3600")
            try await alice.expect(names.max()!)
            #expect(Set(names).isSubset(of: Set(await alice.output)))
            try await alice.logout()
        }
    }

    @Test func errorsFromTheServerAreShownAsWritten() async throws {
        try await withServer { server in
            let alice = try await TestClient.register("alice", port: server.port)
            let bob = try await TestClient.register("bob", port: server.port)
            await alice.type("message nobody hi")
            try await alice.expect("Error. Invalid user")
            await alice.type("message alice hi")
            try await alice.expect("Error. Cannot message yourself")
            await alice.type("block alice")
            try await alice.expect("Error. Cannot block self")
            await alice.type("unblock alice")
            try await alice.expect("Error. Cannot unblock self")
            await alice.type("unblock bob")
            try await alice.expect("Error. bob was not blocked")
            await bob.type("block alice")
            try await bob.expect("alice is blocked")
            await alice.type("message bob hi")
            try await alice.expect("Your message could not be delivered as the recipient has blocked you")
            await alice.type("startprivate bob")
            try await alice.expect("Error. bob has blocked you")
            await alice.type("startprivate alice")
            try await alice.expect("Error. Cannot start private messaging with yourself")
            await alice.type("startprivate nobody")
            try await alice.expect("Error. Invalid user")
            try await bob.logout()
            await alice.type("startprivate bob")
            try await alice.expect("Error. bob is offline")
            try await alice.logout()
        }
    }

    @Test func localErrorsUsageAndHelp() async throws {
        try await withServer { server in
            let alice = try await TestClient.register("alice", port: server.port)
            await alice.type("dance")
            try await alice.expect("Error. Invalid command")
            await alice.type("message bob")
            try await alice.expect("Error. Invalid command")
            try await alice.expect("Usage: message USER TEXT")
            await alice.type("whoelsesince soon")
            try await alice.expect("Error. Invalid command")
            try await alice.expect("Usage: whoelsesince SECONDS")
            await alice.type("message bob " + String(repeating: "x", count: 4097))
            try await alice.expect("Error. Message too long (max 4096 characters)")
            await alice.type("private bob psst")
            try await alice.expect("Error. Private messaging to bob not enabled")
            await alice.type("stopprivate bob")
            try await alice.expect("Error. Private messaging to bob not enabled")
            await alice.type("y")
            try await alice.expect("Error. No private messaging request is waiting")
            await alice.type("help")
            try await alice.expect("Commands:")
            for spec in CommandTable.commands {
                try await alice.expect("help for \(spec.name)") { $0.hasPrefix("  \(spec.synopsis) ") }
            }
            try await alice.expect(Texts.helpFooter)
            try await alice.logout()
        }
    }

    @Test func commandsTheServerNeverSeesAreReportedAsActivityAndPingsAreSent() async throws {
        try await withServer { server in
            let proxy = try await RecordingProxy(forwardingTo: server.port)
            let alice = try await TestClient.register("alice", port: proxy.port) {
                $0.keepAliveInterval = .milliseconds(100)
            }
            try await eventually("a keep-alive ping") { await proxy.recorded.contains("\"op\":\"ping\"") }
            #expect(await !proxy.recorded.contains("\"op\":\"activity\""))
            await alice.type("help")
            try await alice.expect(Texts.helpFooter)
            try await eventually("activity after help") { await proxy.recorded.contains("\"op\":\"activity\"") }
            #expect(await !proxy.recorded.contains("help"))
            try await alice.logout()
            await proxy.close()
        }
    }

    @Test func inactivityLogsOutEvenThoughKeepAlivesFlow() async throws {
        try await withServer(timeout: 1) { server in
            let alice = try await TestClient.register("alice", port: server.port) {
                $0.keepAliveInterval = .milliseconds(100)
            }
            try await alice.expect("You have been logged out due to inactivity", within: 10)
            let exit = try await alice.exit()
            #expect(exit == .inactivity)
            #expect(exit.status == 0)
        }
    }

    @Test func serverShutdownIsShownAndEndsTheRunCleanly() async throws {
        let server = try await ClientTestServer.start()
        let alice = try await TestClient.register("alice", port: server.port)
        try await server.stop()
        try await alice.expect("The server is shutting down")
        let exit = try await alice.exit()
        #expect(exit == .serverShutdown)
        #expect(exit.status == 0)
    }

    @Test func aLostConnectionIsShownAndExitsWithFailure() async throws {
        try await withServer { server in
            let proxy = try await RecordingProxy(forwardingTo: server.port)
            let alice = try await TestClient.register("alice", port: proxy.port)
            await proxy.cutConnections()
            try await alice.expect("Connection to the server was lost")
            let exit = try await alice.exit()
            #expect(exit == .connectionLost)
            #expect(exit.status == 1)
            await proxy.close()
        }
    }

    @Test func endOfInputLogsOut() async throws {
        try await withServer { server in
            let alice = try await TestClient.register("alice", port: server.port)
            let bob = try await TestClient.register("bob", port: server.port)
            await alice.console.end()
            try await alice.expect("Goodbye")
            #expect(try await alice.exit() == .loggedOut)
            try await bob.expect("alice logged out")
            try await bob.logout()
        }
    }
}
