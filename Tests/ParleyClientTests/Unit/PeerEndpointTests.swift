import NIOCore
import ParleyE2E
import ParleyProtocol
import ParleyTesting
import Testing

@testable import ParleyClient

/// One side of a direct session, without any chat server: its grants, its endpoint and what it reports.
private struct PeerSide {
    let grants = GrantBook()
    let events = EventCollector<PeerEvent>()
    let endpoint: PeerEndpoint

    init(handshakeTimeout: Duration = .seconds(5)) {
        endpoint = PeerEndpoint(
            grants: grants, handshakeTimeout: handshakeTimeout, directTimeout: .seconds(3), report: events.report)
    }

    func established() async throws -> (PeerLink, SealedSession) {
        let event = try await events.next()
        guard case .established(let link, let sealed) = event else { throw TimedOut("expected a link, got \(event)") }
        return (link, sealed)
    }

    /// The next sealed frame from `peer`, opened with `sealed`.
    func expectPayload(from peer: String, opening sealed: inout SealedSession) async throws -> PrivatePayload {
        let event = try await events.next()
        guard case .sealed(peer, _, let data) = event else { throw TimedOut("expected a frame, got \(event)") }
        return try sealed.openPayload(data)
    }

    func expectUnreadable(from peer: String) async throws {
        let event = try await events.next()
        guard case .unreadable(peer, _) = event else { throw TimedOut("expected an unreadable frame, got \(event)") }
    }

    func expectClosed(by peer: String) async throws {
        let event = try await events.next()
        guard case .closed(peer, _) = event else { throw TimedOut("expected the end, got \(event)") }
    }

    func expectDirectFailed(_ peer: String) async throws {
        let event = try await events.next()
        guard case .directFailed(peer, _) = event else { throw TimedOut("expected a failure, got \(event)") }
    }
}

/// Connects without the client's handshake, sends `lines`, and returns what came back until the listener
/// closed the connection.
private func rawExchange(port: Int, send lines: [PeerFrame]) async throws -> [PeerFrame] {
    let connection = try await LineTransport.connect(host: "127.0.0.1", port: port, timeout: .seconds(5))
    return try await within(10, "the listener to close the connection") {
        try await connection.executeThenClose { inbound, outbound in
            for frame in lines { try await outbound.write(frame.buffer) }
            var received: [PeerFrame] = []
            do {
                for try await line in inbound { received.append(try PeerFrame(line: line)) }
            } catch {
                // Reset by the listener: closed all the same.
            }
            return received
        }
    }
}

private func listener() async throws -> (NIOAsyncChannel<LineChannel, Never>, Int) {
    let listener = try await LineTransport.listen(host: "127.0.0.1", port: 0)
    return (listener, try #require(listener.channel.localAddress?.port))
}

/// Alice listening with a grant for bob under `token`, and the assignment bob connects with.
private func aliceGrantingBob(token: String) async throws -> (
    alice: PeerSide, listener: NIOAsyncChannel<LineChannel, Never>, port: Int, assignment: PeerAssignment
) {
    let alice = PeerSide()
    let (listener, port) = try await listener()
    var keys = try SealedPair(token: token)
    await alice.grants.expect(token: token, peer: "bob", me: "alice", sealed: keys.alice)
    return (alice, listener, port, try keys.bobAssignment(port: port, token: token))
}

@Suite("Direct sessions between two client endpoints")
struct PeerEndpointTests {
    @Test func theSealedHandshakeConnectsAndSealedFramesFlowBothWays() async throws {
        let bob = PeerSide()
        let (alice, listener, _, assignment) = try await aliceGrantingBob(token: "token-1")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await alice.endpoint.serve(listener) }
            group.addTask { await bob.endpoint.connect(assignment) }
            let (aliceLink, aliceState) = try await alice.established()
            let (bobLink, bobState) = try await bob.established()
            var aliceSealed = aliceState
            var bobSealed = bobState
            #expect(aliceLink.peer == "bob")
            #expect(bobLink.peer == "alice")
            #expect(aliceLink.token == "token-1" && bobLink.token == "token-1")
            #expect(aliceSealed.fingerprint == bobSealed.fingerprint)

            aliceLink.send(sealed: try aliceSealed.seal(PrivatePayload.text("hello bob")))
            #expect(try await bob.expectPayload(from: "alice", opening: &bobSealed) == .text("hello bob"))
            bobLink.send(sealed: try bobSealed.seal(PrivatePayload.text("hello alice")))
            bobLink.send(sealed: try bobSealed.seal(PrivatePayload.bye(.stopped)))
            #expect(try await alice.expectPayload(from: "bob", opening: &aliceSealed) == .text("hello alice"))
            #expect(try await alice.expectPayload(from: "bob", opening: &aliceSealed) == .bye(.stopped))

            bobLink.close()
            try await alice.expectClosed(by: "bob")
            try await bob.expectClosed(by: "alice")
            group.cancelAll()
        }
    }

    @Test func aProofThatDoesNotOpenIsRefusedAndTheGrantStaysForTheRightOne() async throws {
        let alice = PeerSide(handshakeTimeout: .seconds(1))
        let (listener, port) = try await listener()
        var keys = try SealedPair(token: "right")
        await alice.grants.expect(token: "right", peer: "bob", me: "alice", sealed: keys.alice)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await alice.endpoint.serve(listener) }

            // Sealed under another session's key (another token, other keys), or not sealed at all.
            var other = try SealedPair(token: "wrong")
            let foreign = try other.bob.seal(PrivatePayload.hello)
            #expect(try await rawExchange(port: port, send: [.hello(user: "bob", sealed: foreign)]).isEmpty)
            #expect(try await rawExchange(port: port, send: [.hello(user: "bob", sealed: "aGVsbG8=")]).isEmpty)
            // The right proof under someone else's name, and no hello at all.
            var copy = keys.bob
            let proof = try copy.seal(PrivatePayload.hello)
            #expect(try await rawExchange(port: port, send: [.hello(user: "mallory", sealed: proof)]).isEmpty)
            #expect(try await rawExchange(port: port, send: [.sealed(proof)]).isEmpty)
            #expect(await alice.events.events.isEmpty)

            let bob = PeerSide()
            let assignment = try keys.bobAssignment(port: port, token: "right")
            group.addTask { await bob.endpoint.connect(assignment) }
            let (link, _) = try await alice.established()
            #expect(link.peer == "bob")
            _ = try await bob.established()
            group.cancelAll()
        }
    }

    @Test func aGrantOpensOnlyOneConnection() async throws {
        // The default handshake timeout: bob's own handshake must not race it on a loaded machine (a 1 s timeout
        // did), though the replay below waits it out, as a claim waits for a grant that may still come.
        let (alice, listener, port, assignment) = try await aliceGrantingBob(token: "once")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await alice.endpoint.serve(listener) }
            let bob = PeerSide()
            group.addTask { await bob.endpoint.connect(assignment) }
            _ = try await alice.established()
            // Someone who copied bob's hello off the wire replays it.
            let replay = try await rawExchange(port: port, send: [.hello(user: "bob", sealed: assignment.hello)])
            #expect(replay.isEmpty)
            group.cancelAll()
        }
    }

    @Test func aConnectionThatSaysNothingIsDroppedAfterTheHandshakeTimeout() async throws {
        let alice = PeerSide(handshakeTimeout: .milliseconds(300))
        let (listener, port) = try await listener()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await alice.endpoint.serve(listener) }
            let silent = try await rawExchange(port: port, send: [])
            #expect(silent.isEmpty)
            group.cancelAll()
        }
    }

    @Test func aRevokedGrantOpensNothing() async throws {
        let alice = PeerSide()
        let (listener, port) = try await listener()
        var keys = try SealedPair(token: "gone")
        await alice.grants.expect(token: "gone", peer: "bob", me: "alice", sealed: keys.alice)
        #expect(await alice.grants.revoke(token: "gone"))
        #expect(await !alice.grants.revoke(token: "gone"))
        let assignment = try keys.bobAssignment(port: port, token: "gone")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await alice.endpoint.serve(listener) }
            let bob = PeerSide(handshakeTimeout: .milliseconds(500))
            await bob.endpoint.connect(assignment)
            try await bob.expectDirectFailed("alice")
            group.cancelAll()
        }
    }

    @Test func theConnectingSideRefusesAWelcomeFromSomeoneElseOrOneThatDoesNotOpen() async throws {
        for welcome in [PeerFrame.welcome(user: "mallory", sealed: "x"), .welcome(user: "alice", sealed: "aGk=")] {
            let (impostor, port) = try await listener()
            let bob = PeerSide()
            var keys = try SealedPair(token: "t")
            let assignment = try keys.bobAssignment(port: port, token: "t")
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await impostor.executeThenClose { connections in
                        for try await connection in connections {
                            try await connection.executeThenClose { inbound, outbound in
                                var lines = inbound.makeAsyncIterator()
                                _ = try await lines.next()
                                try await outbound.write(welcome.buffer)
                                _ = try await lines.next()
                            }
                            return
                        }
                    }
                }
                await bob.endpoint.connect(assignment)
                try await bob.expectDirectFailed("alice")
                group.cancelAll()
            }
        }
    }

    @Test func nobodyListeningIsADirectFailure() async throws {
        let (closed, port) = try await listener()
        try await closed.channel.close()
        let bob = PeerSide()
        var keys = try SealedPair(token: "t")
        await bob.endpoint.connect(try keys.bobAssignment(port: port, token: "t"))
        try await bob.expectDirectFailed("alice")
    }

    @Test func aLineThatIsNotASealedFrameAfterTheHandshakeIsReportedAndEndsReading() async throws {
        let (alice, listener, _, assignment) = try await aliceGrantingBob(token: "t")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await alice.endpoint.serve(listener) }
            let bob = PeerSide()
            group.addTask { await bob.endpoint.connect(assignment) }
            _ = try await alice.established()
            let (bobLink, _) = try await bob.established()
            bobLink.outgoing.yield(.hello(user: "bob", sealed: assignment.hello))
            try await alice.expectUnreadable(from: "bob")
            try await alice.expectClosed(by: "bob")
            group.cancelAll()
        }
    }

    @Test func aLostConnectionEnds() async throws {
        let bob = PeerSide()
        let (alice, listener, _, assignment) = try await aliceGrantingBob(token: "t")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await alice.endpoint.serve(listener) }
            group.addTask { await bob.endpoint.connect(assignment) }
            _ = try await alice.established()
            let (bobLink, _) = try await bob.established()
            bobLink.close()
            try await alice.expectClosed(by: "bob")
            group.cancelAll()
        }
    }
}

@Suite("Grants for direct sessions")
struct GrantBookTests {
    @Test func aClaimWaitsForAGrantThatArrivesLate() async throws {
        let grants = GrantBook()
        var keys = try SealedPair(token: "late")
        let proof = try keys.bob.seal(PrivatePayload.hello)
        async let claimed = grants.claim(peer: "bob", proof: proof, within: .seconds(10))
        try await within(10, "the claim to wait") {
            while await grants.waitingClaims == 0 { await Task.yield() }
        }
        await grants.expect(token: "late", peer: "bob", me: "alice", sealed: keys.alice)
        let claim = try #require(await claimed)
        #expect(claim.me == "alice" && claim.token == "late")
    }

    @Test func aClaimGivesUpAfterItsTimeout() async {
        let grants = GrantBook()
        #expect(await grants.claim(peer: "bob", proof: "x", within: .milliseconds(50)) == nil)
        #expect(await grants.waitingClaims == 0)
    }

    @Test func aClaimForTheWrongPeerOrWithABadProofIsRefusedAtOnce() async throws {
        let grants = GrantBook()
        var keys = try SealedPair(token: "t")
        await grants.expect(token: "t", peer: "bob", me: "alice", sealed: keys.alice)
        let proof = try keys.bob.seal(PrivatePayload.hello)
        #expect(await grants.claim(peer: "carol", proof: proof, within: .milliseconds(50)) == nil)
        #expect(await grants.claim(peer: "bob", proof: "AAAA", within: .seconds(10)) == nil)
        #expect(await grants.claim(peer: "bob", proof: proof, within: .seconds(10))?.me == "alice")
    }

    @Test func theClaimedSessionIsTheOneThatOpenedTheProof() async throws {
        let grants = GrantBook()
        var keys = try SealedPair(token: "t")
        await grants.expect(token: "t", peer: "bob", me: "alice", sealed: keys.alice)
        let proof = try keys.bob.seal(PrivatePayload.hello)
        var claimed = try #require(await grants.claim(peer: "bob", proof: proof, within: .seconds(1))).sealed
        // The next frame bob seals is the one after the proof, and it opens.
        #expect(try claimed.openPayload(keys.bob.seal(PrivatePayload.text("next"))) == .text("next"))
    }
}
