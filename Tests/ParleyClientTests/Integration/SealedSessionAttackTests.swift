import Foundation
import ParleyE2E
import ParleyProtocol
import ParleyTesting
import Testing

@testable import ParleyClient

/// What a test playing bob sends after a genuine frame, and what alice must say about it.
enum BadFrame: String, CaseIterable, Sendable {
    /// The genuine frame again.
    case replayed
    /// A fresh frame with one bit of its ciphertext flipped.
    case tampered
    /// A frame sealed for another session (right counter, wrong key).
    case foreign
    /// Plaintext, as the unsealed protocol used to send it.
    case unsealed

    var problem: String {
        switch self {
        case .replayed: "frame 1 arrived where 2 was expected (replayed or reordered)"
        case .tampered, .foreign: "the frame was altered or not sealed by the peer"
        case .unsealed: "the frame is not a sealed private frame"
        }
    }

    /// The bad line to send, given bob's sealing state and the genuine frame sent before it.
    func line(sealed: inout SealedSession, genuine: String) throws -> String {
        switch self {
        case .replayed:
            return String(buffer: PeerFrame.sealed(genuine).buffer).trimmingCharacters(in: .newlines)
        case .tampered:
            var bytes = try #require(Data(base64Encoded: try sealed.seal(PrivatePayload.text("altered text"))))
            bytes[10] ^= 0x01  // Past the 8-byte counter: the ciphertext.
            return String(buffer: PeerFrame.sealed(bytes.base64EncodedString()).buffer)
                .trimmingCharacters(in: .newlines)
        case .foreign:
            var other = try SealedPair(token: "another session")
            // Two frames first (as bob's hello and genuine frame), so the counter is the one alice expects next.
            _ = try other.bob.seal(PrivatePayload.hello)
            _ = try other.bob.seal(PrivatePayload.text("genuine text"))
            let frame = try other.bob.seal(PrivatePayload.text("altered text"))
            return String(buffer: PeerFrame.sealed(frame).buffer).trimmingCharacters(in: .newlines)
        case .unsealed:
            return #"{"type":"text","text":"altered text"}"#
        }
    }
}

/// bob, played by the test with the real protocol and real keys, accepts alice's request. Returns his
/// server connection, the grant and his sealing state for the session.
private func bobAccepts(alice: TestClient, port: Int) async throws -> (RawServerClient, PrivateGrant, SealedSession) {
    let bob = try await RawServerClient.register("bob", port: port)
    await alice.type("startprivate bob")
    try await alice.expect("Waiting for bob to accept private messaging")
    guard case .privateRequest("alice") = try await bob.nextEvent() else { throw TimedOut("no request for bob") }
    let key = EphemeralKey()
    try await bob.ok(.answerPrivate(user: "alice", accept: true, key: key.publicKeyBase64))
    guard case .privateReady(let grant) = try await bob.nextEvent() else { throw TimedOut("no grant for bob") }
    let sealed = try SealedSession(
        side: .accepter, ownKey: key, peerPublicKeyBase64: try #require(grant.key), token: grant.token,
        requester: "alice", accepter: "bob")
    return (bob, grant, sealed)
}

/// bob accepts alice's request and completes the sealed handshake on her port, as the real client would.
/// Returns his server connection, his sealing state after it, and the direct connection.
private func bobConnectsDirectly(alice: TestClient, port: Int) async throws -> (
    RawServerClient, SealedSession, LineConnection
) {
    var (bob, grant, sealed) = try await bobAccepts(alice: alice, port: port)
    let direct = try await LineConnection(host: grant.host, port: grant.port)
    direct.send(PeerFrame.hello(user: "bob", sealed: try sealed.seal(PrivatePayload.hello)))
    guard case .welcome("alice", let proof) = try await direct.nextFrame() else {
        throw TimedOut("no welcome from alice")
    }
    #expect(try sealed.openPayload(proof) == .welcome)
    try await alice.expect("Start private messaging with bob")
    try await alice.expect("Private messaging with bob goes directly between you")
    try await alice.expect(
        "Session fingerprint: \(sealed.fingerprint) (compare with bob over another channel to be sure "
            + "nobody is in the middle)")
    return (bob, sealed, direct)
}

@Suite("Sealed private sessions against a peer that misbehaves on purpose")
struct SealedSessionAttackTests {
    /// A genuine frame whose text `private` would never send (too long, two lines): not shown, said so, and the
    /// session goes on.
    @Test func textBreakingTheMessageRulesIsNotShown() async throws {
        try await withServer { server in
            let alice = try await TestClient.register("alice", port: server.port)
            var (bob, sealed, direct) = try await bobConnectsDirectly(alice: alice, port: server.port)
            let refused = Texts.privateTextRefused("bob")
            #expect(
                refused
                    == "Warning: a private message from bob was not shown: it breaks the rules for messages (one line, "
                    + "at most 4096 characters)")
            for text in [String(repeating: "x", count: 5_000), "two\nlines"] {
                direct.send(.sealed(try sealed.seal(PrivatePayload.text(text))))
                try await alice.expect(refused)
            }
            direct.send(.sealed(try sealed.seal(PrivatePayload.text("still here"))))
            try await alice.expect("bob (private): still here")
            #expect(await !alice.output.contains { $0.contains("xxxxxxxxxx") || $0.contains("lines") })
            try await alice.logout()
            await bob.close()
        }
    }

    @Test(arguments: BadFrame.allCases)
    func aBadFrameOnTheDirectConnectionIsRejectedReportedAndEndsTheSession(bad: BadFrame) async throws {
        try await withServer { server in
            let alice = try await TestClient.register("alice", port: server.port)
            var (bob, sealed, direct) = try await bobConnectsDirectly(alice: alice, port: server.port)

            let genuine = try sealed.seal(PrivatePayload.text("genuine text"))
            direct.send(.sealed(genuine))
            try await alice.expect("bob (private): genuine text")
            // What alice sends is sealed on the wire, and opens with bob's key.
            await alice.type("private bob top secret reply")
            let line = try #require(try await direct.nextLine())
            #expect(!line.contains("top secret"))
            guard case .sealed(let data) = try PeerFrame(bytes: Data(line.utf8)) else { throw TimedOut(line) }
            #expect(try sealed.openPayload(data) == .text("top secret reply"))

            direct.send(try bad.line(sealed: &sealed, genuine: genuine))
            try await alice.expect("Warning: a private message from bob was rejected (\(bad.problem))")
            try await alice.expect("Private messaging with bob has ended")
            try await direct.expectClosed()
            // The server was told, so bob hears of it there too.
            guard case .privateEnded("alice", .stopped) = try await bob.nextEvent() else {
                throw TimedOut("bob was not told the session ended")
            }
            #expect(await !alice.output.contains { $0.contains("altered text") })
            await alice.type("private bob anyone?")
            try await alice.expect("Error. Private messaging to bob not enabled")

            try await alice.logout()
            await bob.close()
        }
    }

    @Test func aTamperedFrameThroughTheRelayIsRejectedToo() async throws {
        try await withServer { server in
            let alice = try await TestClient.register("alice", port: server.port)
            var (bob, _, sealed) = try await bobAccepts(alice: alice, port: server.port)
            // bob never tries the direct path: his sealed hello comes through the server.
            try await bob.ok(.relay(to: "alice", data: try sealed.seal(PrivatePayload.hello)))
            guard case .relay("alice", let welcome) = try await bob.nextEvent() else {
                throw TimedOut("no relayed welcome")
            }
            #expect(try sealed.openPayload(welcome) == .welcome)
            try await alice.expect("Start private messaging with bob")
            try await alice.expect(
                "Private messaging with bob is relayed through the server (still end-to-end encrypted)")

            try await bob.ok(.relay(to: "alice", data: try sealed.seal(PrivatePayload.text("through the server"))))
            try await alice.expect("bob (private): through the server")
            var bytes = try #require(Data(base64Encoded: try sealed.seal(PrivatePayload.text("altered text"))))
            bytes[bytes.count - 1] ^= 0x80  // The tag.
            try await bob.ok(.relay(to: "alice", data: bytes.base64EncodedString()))
            try await alice.expect(
                "Warning: a private message from bob was rejected (the frame was altered or not sealed by the peer)")
            try await alice.expect("Private messaging with bob has ended")
            guard case .privateEnded("alice", .stopped) = try await bob.nextEvent() else {
                throw TimedOut("bob was not told the session ended")
            }
            try await alice.logout()
            await bob.close()
        }
    }

    /// bob accepts and then neither connects nor sends a word through the relay: alice stops waiting once
    /// both of his attempts would have been over, says so, and may ask again.
    @Test func aPeerThatAcceptsButNeverComesIsGivenUpOn() async throws {
        try await withServer { server in
            let alice = try await TestClient.register("alice", port: server.port) { configuration in
                configuration.privateDirectTimeout = .milliseconds(300)
                configuration.peerHandshakeTimeout = .milliseconds(300)
            }
            let (bob, _, _) = try await bobAccepts(alice: alice, port: server.port)
            try await alice.expect("Could not connect to bob for private messaging")
            guard case .privateEnded("alice", .stopped) = try await bob.nextEvent() else {
                throw TimedOut("bob was not told the session ended")
            }
            await alice.type("startprivate bob")
            try await alice.expect("Waiting for bob to accept private messaging")
            try await alice.logout()
            await bob.close()
        }
    }

    @Test(arguments: [nil, "not a key", Data(repeating: 7, count: 31).base64EncodedString()])
    func aGrantWithoutAUsableKeyEndsTheSessionWithoutPlaintext(key: String?) async throws {
        try await withServer { server in
            let alice = try await TestClient.register("alice", port: server.port)
            let bob = try await RawServerClient.register("bob", port: server.port)
            await alice.type("startprivate bob")
            try await alice.expect("Waiting for bob to accept private messaging")
            guard case .privateRequest("alice") = try await bob.nextEvent() else { throw TimedOut("no request") }
            try await bob.ok(.answerPrivate(user: "alice", accept: true, key: key))
            let reason =
                key == nil
                ? "bob sent no key for end-to-end encryption" : "the end-to-end encryption key from bob is not valid"
            try await alice.expect("Error. Private messaging with bob cannot start: \(reason)")
            guard case .privateReady = try await bob.nextEvent(),
                case .privateEnded("alice", .stopped) = try await bob.nextEvent()
            else { throw TimedOut("bob was not told the session ended") }
            await alice.type("private bob hello?")
            try await alice.expect("Error. Private messaging to bob not enabled")
            #expect(await !alice.output.contains("Start private messaging with bob"))
            try await alice.logout()
            await bob.close()
        }
    }
}
