import ParleyProtocol
import Testing

@testable import ParleyClient

/// Starts a private session from `requester` to `target`, answered with a single `y`, and waits until both
/// sides have shown that it started, on the direct path, with the same fingerprint.
private func startPrivate(_ requester: (name: String, client: TestClient), _ target: (name: String, client: TestClient))
    async throws
{
    await requester.client.type("startprivate \(target.name)")
    try await requester.client.expect("Waiting for \(target.name) to accept private messaging")
    try await target.client.expect("\(requester.name) would like to private message, enter y or n: ")
    await target.client.type("y")
    try await requester.client.expect("Start private messaging with \(target.name)")
    try await requester.client.expect("Private messaging with \(target.name) goes directly between you")
    let requesterSees = try await requester.client.expect("the fingerprint") { $0.hasPrefix("Session fingerprint: ") }
    try await target.client.expect("Start private messaging with \(requester.name)")
    try await target.client.expect("Private messaging with \(requester.name) goes directly between you")
    let targetSees = try await target.client.expect("the fingerprint") { $0.hasPrefix("Session fingerprint: ") }
    #expect(fingerprint(in: requesterSees) == fingerprint(in: targetSees))
}

/// The five groups of four hex digits in a `Session fingerprint: ...` line.
func fingerprint(in line: String) -> String {
    String(line.dropFirst("Session fingerprint: ".count).prefix(24))
}

@Suite("Private sessions between client-library instances through a real server")
struct PrivateSessionTests {
    @Test func aFullSessionWithOneYTextBothWaysAndStop() async throws {
        try await withServer { server in
            let proxy = try await RecordingProxy(forwardingTo: server.port)
            let alice = try await TestClient.register("alice", port: proxy.port)
            let bob = try await TestClient.register("bob", port: proxy.port)
            try await startPrivate(("alice", alice), ("bob", bob))
            let shown = try #require(await alice.output.first { $0.hasPrefix("Session fingerprint: ") })
            #expect(
                shown
                    == "Session fingerprint: \(fingerprint(in: shown)) (compare with bob over another channel to be sure "
                    + "nobody is in the middle)")
            #expect(fingerprint(in: shown).wholeMatch(of: /[0-9a-f]{4}( [0-9a-f]{4}){4}/) != nil)
            await alice.type("privatekey bob")
            try await alice.expect(shown)
            await bob.type("privatekey alice")
            try await bob.expect("bob's fingerprint") { fingerprint(in: $0) == fingerprint(in: shown) }

            await alice.type("private bob the eagle lands at noon")
            try await bob.expect("alice (private): the eagle lands at noon")
            await bob.type("private alice understood, over")
            try await alice.expect("bob (private): understood, over")

            await alice.type("stopprivate bob")
            try await alice.expect("Private messaging with bob has ended")
            try await bob.expect("Private messaging with alice has ended")
            await bob.type("private alice still there?")
            try await bob.expect("Error. Private messaging to alice not enabled")
            await bob.type("privatekey alice")
            try await bob.expect("Error. Private messaging to alice not enabled")

            // One y was enough: nothing was taken for a command.
            #expect(await !bob.output.contains("Error. Invalid command"))
            // The server never saw the private text, only that the users were active.
            let seen = await proxy.recorded
            #expect(!seen.contains("eagle"))
            #expect(!seen.contains("understood"))
            #expect(seen.contains("\"op\":\"activity\""))
            // Keys went with the consent exchange; nothing went through the relay on the direct path.
            #expect(seen.contains("\"op\":\"startprivate\"") && seen.contains("\"key\":"))
            #expect(!seen.contains("\"op\":\"relay\""))
            // Each side said so once.
            #expect(await alice.output.filter { $0 == "Start private messaging with bob" }.count == 1)
            #expect(await bob.output.filter { $0 == "Private messaging with alice has ended" }.count == 1)

            try await alice.logout()
            try await bob.logout()
            await proxy.close()
        }
    }

    @Test func acceptByNameWorksLikeY() async throws {
        try await withServer { server in
            let alice = try await TestClient.register("alice", port: server.port)
            let bob = try await TestClient.register("bob", port: server.port)
            await alice.type("startprivate bob")
            try await bob.expect("alice would like to private message, enter y or n: ")
            await bob.type("accept alice")
            try await alice.expect("Start private messaging with bob")
            try await bob.expect("Start private messaging with alice")
            await alice.type("startprivate bob")
            try await alice.expect("Error. Private messaging with bob is already active")
            try await alice.logout()
            try await bob.logout()
        }
    }

    /// The server stops under a private session: both sides say the same ("ended"), neither that the other
    /// logged out, whichever hears of the shutdown first.
    @Test func aServerShutdownEndsTheSessionAlikeOnBothSides() async throws {
        let server = try await ClientTestServer.options().start()
        let reconnecting: (inout ClientConfiguration) -> Void = { configuration in
            configuration.reconnection = Reconnection(
                firstDelay: .milliseconds(20), longestDelay: .milliseconds(200), giveUpAfter: .seconds(1))
        }
        let alice = try await TestClient.register("alice", port: server.port, configure: reconnecting)
        let bob = try await TestClient.register("bob", port: server.port, configure: reconnecting)
        try await startPrivate(("alice", alice), ("bob", bob))
        try await server.shutdown()
        for (client, peer) in [(alice, "bob"), (bob, "alice")] {
            // In either order: the peer's own word over the direct connection may come before the server's.
            let expected: Set = [Texts.serverShutdown, Texts.privateEnded(peer)]
            var seen: Set<String> = []
            while seen != expected {
                seen.insert(try await client.expect("\(expected.subtracting(seen))") { expected.contains($0) })
            }
            #expect(await !client.output.contains(Texts.privatePeerLoggedOut(peer)))
        }
    }

    @Test func aDeclinedRequest() async throws {
        try await withServer { server in
            let alice = try await TestClient.register("alice", port: server.port)
            let bob = try await TestClient.register("bob", port: server.port)
            await alice.type("startprivate bob")
            try await bob.expect("alice would like to private message, enter y or n: ")
            await bob.type("n")
            try await bob.expect("You declined private messaging with alice")
            try await alice.expect("bob declined private messaging")
            await alice.type("private bob hello?")
            try await alice.expect("Error. Private messaging to bob not enabled")
            await bob.type("decline alice")
            try await bob.expect("Error. alice has not asked to private message you")
            try await alice.logout()
            try await bob.logout()
        }
    }

    /// The requester calls the request off with `stopprivate` before it is answered; a late `y` starts
    /// nothing. A request whose target leaves before answering is said to be no longer open, not ended.
    @Test func aRequestWithdrawnOrLeftUnansweredIsNoLongerOpen() async throws {
        try await withServer { server in
            let alice = try await TestClient.register("alice", port: server.port)
            let bob = try await TestClient.register("bob", port: server.port)
            await alice.type("startprivate bob")
            try await bob.expect("alice would like to private message, enter y or n: ")
            await alice.type("stopprivate bob")
            try await alice.expect("The private messaging request to bob is no longer open")
            try await bob.expect("The private messaging request from alice is no longer open")
            await bob.type("y")
            try await bob.expect("Error. No private messaging request is waiting")
            await bob.type("startprivate alice")
            try await alice.expect("bob would like to private message, enter y or n: ")
            try await alice.logout()
            try await bob.expect("The private messaging request to alice is no longer open")
            #expect(await !bob.output.contains("alice logged out, private messaging ended"))
            try await bob.logout()
        }
    }

    @Test func anUnansweredRequestExpires() async throws {
        try await withServer(privateRequestLifetime: 0.3) { server in
            let alice = try await TestClient.register("alice", port: server.port)
            let bob = try await TestClient.register("bob", port: server.port)
            await alice.type("startprivate bob")
            try await bob.expect("alice would like to private message, enter y or n: ")
            try await alice.expect("bob did not answer the private messaging request")
            try await bob.expect("The private messaging request from alice is no longer open")
            await bob.type("y")
            try await bob.expect("Error. No private messaging request is waiting")
            try await alice.logout()
            try await bob.logout()
        }
    }

    @Test func requestsFromTwoUsersAreEachAnswerable() async throws {
        try await withServer { server in
            let alice = try await TestClient.register("alice", port: server.port)
            let carol = try await TestClient.register("carol", port: server.port)
            let bob = try await TestClient.register("bob", port: server.port)
            await alice.type("startprivate bob")
            try await bob.expect("alice would like to private message, enter y or n: ")
            await carol.type("startprivate bob")
            try await bob.expect("carol would like to private message, enter y or n: ")
            await bob.type("y")
            try await bob.expect("Start private messaging with alice")
            try await alice.expect("Start private messaging with bob")
            await bob.type("decline carol")
            try await carol.expect("bob declined private messaging")
            await bob.type("private alice only you")
            try await alice.expect("bob (private): only you")
            for client in [alice, bob, carol] { try await client.logout() }
        }
    }

    @Test func twoSessionsAtOnceKeepTheirTextApart() async throws {
        try await withServer { server in
            let alice = try await TestClient.register("alice", port: server.port)
            let bob = try await TestClient.register("bob", port: server.port)
            let carol = try await TestClient.register("carol", port: server.port)
            try await startPrivate(("alice", alice), ("bob", bob))
            try await startPrivate(("carol", carol), ("bob", bob))
            await bob.type("private alice to alice")
            await bob.type("private carol to carol")
            try await alice.expect("bob (private): to alice")
            try await carol.expect("bob (private): to carol")
            #expect(await !alice.output.contains("bob (private): to carol"))
            for client in [alice, bob, carol] { try await client.logout() }
        }
    }

    @Test func thePeerLoggingOutEndsTheSession() async throws {
        try await withServer { server in
            let alice = try await TestClient.register("alice", port: server.port)
            let bob = try await TestClient.register("bob", port: server.port)
            try await startPrivate(("alice", alice), ("bob", bob))
            try await alice.logout()
            try await bob.expect("alice logged out, private messaging ended")
            await bob.type("private alice hello?")
            try await bob.expect("Error. Private messaging to alice not enabled")
            #expect(
                await bob.output.filter { $0.contains("private messaging ended") || $0.contains("has ended") }.count
                    == 1)
            try await bob.logout()
        }
    }

    @Test func thePeerTimingOutEndsTheSession() async throws {
        try await withServer(timeout: 2) { server in
            // Both keep typing (help counts as activity) until the session is up, however slow the machine;
            // then alice says nothing more and is logged out, while bob goes on.
            let alice = try await TestClient.register("alice", port: server.port)
            let aliceBusy = alice.keepTyping("help")
            defer { aliceBusy.cancel() }
            let bob = try await TestClient.register("bob", port: server.port)
            let bobBusy = bob.keepTyping("help")
            defer { bobBusy.cancel() }
            try await startPrivate(("alice", alice), ("bob", bob))
            aliceBusy.cancel()
            try await alice.expect("You have been logged out due to inactivity")
            try await bob.expect("alice logged out, private messaging ended")
            #expect(await !bob.output.contains("Private messaging with alice has ended"))
        }
    }

    @Test func blockingThePeerEndsTheSession() async throws {
        try await withServer { server in
            let alice = try await TestClient.register("alice", port: server.port)
            let bob = try await TestClient.register("bob", port: server.port)
            try await startPrivate(("alice", alice), ("bob", bob))
            await bob.type("block alice")
            try await bob.expect("alice is blocked")
            try await bob.expect("Private messaging with alice has ended")
            try await alice.expect("Private messaging with bob has ended")
            await alice.type("private bob hello?")
            try await alice.expect("Error. Private messaging to bob not enabled")
            try await alice.logout()
            try await bob.logout()
        }
    }

    @Test func aLostPeerEndsTheSession() async throws {
        try await withServer { server in
            let alice = try await TestClient.register("alice", port: server.port)
            let bob = try await TestClient.register("bob", port: server.port)
            try await startPrivate(("alice", alice), ("bob", bob))
            // alice goes away without logging out (her run is torn down), so the direct connection just drops.
            alice.run.cancel()
            _ = try await alice.exit()  // bounded: the run must wind down by itself once cancelled
            try await bob.expect("the end of the session") {
                $0 == "Private messaging with alice has ended" || $0 == "alice logged out, private messaging ended"
            }
            try await bob.logout()
        }
    }

    @Test func aConnectionWithoutTheSealedProofIsRefusedAndTheSessionStillWorks() async throws {
        try await withServer { server in
            let alice = try await TestClient.register("alice", port: server.port) {
                $0.peerHandshakeTimeout = .seconds(1)
            }
            let bob = try await TestClient.register("bob", port: server.port)
            let port = try #require(await alice.session.privateListenPort)

            // Someone who read the port off the wire tries to get in without the session's key.
            let intruder = try await LineTransport.connect(host: "127.0.0.1", port: port, timeout: .seconds(5))
            let answered = try await within(10, "the intruder to be dropped") {
                try await intruder.executeThenClose { inbound, outbound in
                    try await outbound.write(PeerFrame.hello(user: "bob", sealed: "Z3Vlc3M=").buffer)
                    var lines: [String] = []
                    do {
                        for try await line in inbound { lines.append(String(buffer: line)) }
                    } catch {
                        // Reset: dropped all the same.
                    }
                    return lines
                }
            }
            #expect(answered.isEmpty)

            try await startPrivate(("alice", alice), ("bob", bob))
            await bob.type("private alice real bob here")
            try await alice.expect("bob (private): real bob here")
            #expect(
                await !alice.output.contains { $0.hasPrefix("bob (private): ") && $0 != "bob (private): real bob here" }
            )
            try await alice.logout()
            try await bob.logout()
        }
    }
}
