import Foundation
import ParleyProtocol
import Testing

@testable import ParleyClient

/// A port on this machine that nobody listens on.
private func closedPort() async throws -> Int {
    let listener = try await LineTransport.listen(host: "127.0.0.1", port: 0)
    let port = try #require(listener.channel.localAddress?.port)
    try await listener.channel.close()
    return port
}

/// alice, whose direct path cannot be reached (she tells peers a port nobody listens on, as a NAT would
/// hide her), and bob, who gives up on the direct path quickly; both reach the server through `proxy`.
private func relayedPair(through proxy: RecordingProxy) async throws -> (alice: TestClient, bob: TestClient) {
    let port = try await closedPort()
    let alice = try await TestClient.register("alice", port: proxy.port) { $0.advertisedPeerPort = port }
    let bob = try await TestClient.register("bob", port: proxy.port) { $0.privateDirectTimeout = .milliseconds(500) }
    return (alice, bob)
}

/// alice asks, bob accepts, and both are told the session is relayed, with the same fingerprint.
private func startRelayed(alice: TestClient, bob: TestClient) async throws {
    await alice.type("startprivate bob")
    try await bob.expect("alice would like to private message, enter y or n: ")
    await bob.type("y")
    try await bob.expect("Start private messaging with alice")
    try await bob.expect("Private messaging with alice is relayed through the server (still end-to-end encrypted)")
    let bobSees = try await bob.expect("the fingerprint") { $0.hasPrefix("Session fingerprint: ") }
    try await alice.expect("Start private messaging with bob")
    try await alice.expect("Private messaging with bob is relayed through the server (still end-to-end encrypted)")
    let aliceSees = try await alice.expect("the fingerprint") { $0.hasPrefix("Session fingerprint: ") }
    #expect(fingerprint(in: aliceSees) == fingerprint(in: bobSees))
}

/// The `data` of every `relay` request the clients sent through the proxy.
private func relayedData(_ recorded: String) -> [String] {
    let codec = WireCodec()
    return recorded.split(separator: "\n").compactMap { line in
        guard case .success(let request) = codec.decodeRequest(Data(line.utf8)),
            case .relay(_, let data) = request.command
        else { return nil }
        return data
    }
}

@Suite("Private sessions relayed through the server when the direct path fails")
struct RelayFallbackTests {
    @Test func textBothWaysIsRelayedSealedAndStopEndsIt() async throws {
        try await withServer { server in
            let proxy = try await RecordingProxy(forwardingTo: server.port)
            let (alice, bob) = try await relayedPair(through: proxy)
            try await startRelayed(alice: alice, bob: bob)

            await alice.type("private bob the eagle lands at noon")
            try await bob.expect("alice (private): the eagle lands at noon")
            await bob.type("private alice understood, over")
            try await alice.expect("bob (private): understood, over")
            await alice.type("privatekey bob")
            try await alice.expect("alice's fingerprint") { $0.hasPrefix("Session fingerprint: ") }

            // The server carried the session and saw only sealed base64: hello, welcome and the two texts.
            let seen = await proxy.recorded
            #expect(!seen.contains("eagle"))
            #expect(!seen.contains("understood"))
            let frames = relayedData(seen)
            #expect(frames.count == 4)
            for frame in frames {
                let bytes = try #require(Data(base64Encoded: frame))
                #expect(!String(decoding: bytes, as: UTF8.self).contains("eagle"))
                #expect(!String(decoding: bytes, as: UTF8.self).contains("understood"))
            }
            #expect(seen.contains("\"op\":\"activity\""))

            await alice.type("stopprivate bob")
            try await alice.expect("Private messaging with bob has ended")
            try await bob.expect("Private messaging with alice has ended")
            await bob.type("private alice still there?")
            try await bob.expect("Error. Private messaging to alice not enabled")
            await alice.type("private bob still there?")
            try await alice.expect("Error. Private messaging to bob not enabled")
            #expect(relayedData(await proxy.recorded).count == 4)

            // A new session between the same two works again, relayed again.
            try await startRelayed(alice: alice, bob: bob)
            await bob.type("private alice second time")
            try await alice.expect("bob (private): second time")

            try await alice.logout()
            try await bob.logout()
            await proxy.close()
        }
    }

    @Test func loggingOutEndsARelayedSessionForThePeer() async throws {
        try await withServer { server in
            let proxy = try await RecordingProxy(forwardingTo: server.port)
            let (alice, bob) = try await relayedPair(through: proxy)
            try await startRelayed(alice: alice, bob: bob)
            try await bob.logout()
            try await alice.expect("bob logged out, private messaging ended")
            await alice.type("private bob hello?")
            try await alice.expect("Error. Private messaging to bob not enabled")
            #expect(
                await alice.output.filter { $0.contains("private messaging ended") || $0.contains("has ended") }.count
                    == 1)

            // And the other way round: the requester leaving ends it for the one who accepted.
            let again = try await TestClient.login("bob", port: proxy.port) {
                $0.privateDirectTimeout = .milliseconds(500)
            }
            try await startRelayed(alice: alice, bob: again)
            try await alice.logout()
            try await again.expect("alice logged out, private messaging ended")
            try await again.logout()
            await proxy.close()
        }
    }

    @Test func blockingEndsARelayedSession() async throws {
        try await withServer { server in
            let proxy = try await RecordingProxy(forwardingTo: server.port)
            let (alice, bob) = try await relayedPair(through: proxy)
            try await startRelayed(alice: alice, bob: bob)
            await bob.type("block alice")
            try await bob.expect("alice is blocked")
            try await bob.expect("Private messaging with alice has ended")
            try await alice.expect("Private messaging with bob has ended")
            await alice.type("private bob hello?")
            try await alice.expect("Error. Private messaging to bob not enabled")
            try await alice.logout()
            try await bob.logout()
            await proxy.close()
        }
    }

    @Test func thePeerTimingOutEndsARelayedSession() async throws {
        try await withServer(timeout: 2) { server in
            let proxy = try await RecordingProxy(forwardingTo: server.port)
            let port = try await closedPort()
            // Both keep typing until the session is up, however slow the machine.
            let alice = try await TestClient.register("alice", port: proxy.port) { $0.advertisedPeerPort = port }
            let aliceBusy = alice.keepTyping("help")
            defer { aliceBusy.cancel() }
            let bob = try await TestClient.register("bob", port: proxy.port) {
                $0.privateDirectTimeout = .milliseconds(500)
            }
            let bobHelps = bob.keepTyping("help")
            defer { bobHelps.cancel() }
            try await startRelayed(alice: alice, bob: bob)
            // Then bob types private text (it counts as activity; the relay traffic it causes does not), and
            // alice says nothing more and is logged out.
            bobHelps.cancel()
            let bobTalks = bob.keepTyping("private alice still here")
            defer { bobTalks.cancel() }
            aliceBusy.cancel()
            try await alice.expect("You have been logged out due to inactivity")
            try await bob.expect("alice logged out, private messaging ended")
            await proxy.close()
        }
    }
}

/// alice says she listens on `alicePort`; bob (configured by `configureBob`) cannot use it, gives up on the
/// direct path, and the two talk through the relay both ways.
private func talkRelayed(
    serverPort: Int, alicePort: Int, configureBob: (inout ClientConfiguration) -> Void
) async throws {
    let alice = try await TestClient.register("alice", port: serverPort) { $0.advertisedPeerPort = alicePort }
    let bob = try await TestClient.register("bob", port: serverPort, configure: configureBob)
    try await startRelayed(alice: alice, bob: bob)
    await alice.type("private bob made it")
    try await bob.expect("alice (private): made it")
    await bob.type("private alice both ways")
    try await alice.expect("bob (private): both ways")
    try await alice.logout()
    try await bob.logout()
}

@Suite("The relay also takes over from a direct path that is there but does not work")
struct UnworkableDirectPathTests {
    @Test func aPortThatAcceptsButNeverAnswersFallsBackToTheRelay() async throws {
        try await withServer { server in
            // Something else listens where alice says she does (a wrong port forward): it accepts and says nothing.
            let silent = try await LineTransport.listen(host: "127.0.0.1", port: 0)
            let port = try #require(silent.channel.localAddress?.port)
            try await talkRelayed(serverPort: server.port, alicePort: port) { $0.peerHandshakeTimeout = .seconds(1) }
            try await silent.channel.close()
        }
    }

    @Test func aConnectionAttemptThatIsNeverAnsweredFallsBackToTheRelay() async throws {
        try await withServer { server in
            // Where alice says she listens, connection attempts are dropped (a firewall): bob's connect waits
            // for his direct timeout, then the relay takes over.
            let unanswered = try UnansweredPort()
            try await talkRelayed(serverPort: server.port, alicePort: unanswered.port) {
                $0.privateDirectTimeout = .milliseconds(500)
            }
            withExtendedLifetime(unanswered) {}
        }
    }
}
