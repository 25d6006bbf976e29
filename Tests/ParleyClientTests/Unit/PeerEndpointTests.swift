import NIOCore
import ParleyProtocol
import Testing

@testable import ParleyClient

/// One side of a direct session, without any chat server: its grants, its endpoint and what it reports.
private struct PeerSide {
    let grants = GrantBook()
    let events = EventCollector<PeerEvent>()
    let endpoint: PeerEndpoint

    init(handshakeTimeout: Duration = .seconds(5)) {
        endpoint = PeerEndpoint(grants: grants, handshakeTimeout: handshakeTimeout, report: events.report)
    }

    func established() async throws -> PeerLink {
        let event = try await events.next()
        guard case .established(let link) = event else { throw TimedOut("expected a link, got \(event)") }
        return link
    }

    func expectText(_ text: String, from peer: String) async throws {
        let event = try await events.next()
        guard case .text(peer, _, text) = event else { throw TimedOut("expected \(peer): \(text), got \(event)") }
    }

    func expectClosed(by peer: String, reason: PrivateEndReason?) async throws {
        let event = try await events.next()
        guard case .closed(peer, _, reason) = event else { throw TimedOut("expected the end, got \(event)") }
    }

    func expectFailed(_ peer: String) async throws {
        let event = try await events.next()
        guard case .failed(peer, _) = event else { throw TimedOut("expected a failure, got \(event)") }
    }
}

private func grant(port: Int, token: String, peer: String = "alice") -> PrivateGrant {
    PrivateGrant(user: peer, host: "127.0.0.1", port: port, token: token, role: .connect)
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

@Suite("Direct sessions between two client endpoints")
struct PeerEndpointTests {
    @Test func theRightTokenConnectsAndTextFlowsBothWays() async throws {
        let alice = PeerSide()
        let bob = PeerSide()
        let listener = try await LineTransport.listen(host: "127.0.0.1", port: 0)
        let port = try #require(listener.channel.localAddress?.port)
        await alice.grants.expect(token: "token-1", peer: "bob", me: "alice")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await alice.endpoint.serve(listener) }
            group.addTask {
                await bob.endpoint.connect(PeerAssignment(grant: grant(port: port, token: "token-1"), me: "bob"))
            }
            let aliceLink = try await alice.established()
            let bobLink = try await bob.established()
            #expect(aliceLink.peer == "bob")
            #expect(bobLink.peer == "alice")
            #expect(aliceLink.token == "token-1" && bobLink.token == "token-1")

            aliceLink.send("hello bob")
            try await bob.expectText("hello bob", from: "alice")
            bobLink.send("hello alice")
            bobLink.send("twice")
            try await alice.expectText("hello alice", from: "bob")
            try await alice.expectText("twice", from: "bob")

            bobLink.close(saying: .stopped)
            try await alice.expectClosed(by: "bob", reason: .stopped)
            try await bob.expectClosed(by: "alice", reason: nil)
            group.cancelAll()
        }
    }

    @Test func aWrongTokenIsRefusedAndTheGrantStaysForTheRightOne() async throws {
        let alice = PeerSide(handshakeTimeout: .seconds(1))
        let listener = try await LineTransport.listen(host: "127.0.0.1", port: 0)
        let port = try #require(listener.channel.localAddress?.port)
        await alice.grants.expect(token: "right", peer: "bob", me: "alice")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await alice.endpoint.serve(listener) }

            let wrongToken = try await rawExchange(port: port, send: [.hello(token: "wrong", user: "bob")])
            #expect(wrongToken.isEmpty)
            let wrongUser = try await rawExchange(port: port, send: [.hello(token: "right", user: "mallory")])
            #expect(wrongUser.isEmpty)
            let noHello = try await rawExchange(port: port, send: [.text("let me in")])
            #expect(noHello.isEmpty)
            #expect(await alice.events.events.isEmpty)

            let bob = PeerSide()
            group.addTask {
                await bob.endpoint.connect(PeerAssignment(grant: grant(port: port, token: "right"), me: "bob"))
            }
            let link = try await alice.established()
            #expect(link.peer == "bob")
            _ = try await bob.established()
            group.cancelAll()
        }
    }

    @Test func aTokenOpensOnlyOneConnection() async throws {
        let alice = PeerSide(handshakeTimeout: .seconds(1))
        let listener = try await LineTransport.listen(host: "127.0.0.1", port: 0)
        let port = try #require(listener.channel.localAddress?.port)
        await alice.grants.expect(token: "once", peer: "bob", me: "alice")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await alice.endpoint.serve(listener) }
            let bob = PeerSide()
            group.addTask {
                await bob.endpoint.connect(PeerAssignment(grant: grant(port: port, token: "once"), me: "bob"))
            }
            _ = try await alice.established()
            let replay = try await rawExchange(port: port, send: [.hello(token: "once", user: "bob")])
            #expect(replay.isEmpty)
            group.cancelAll()
        }
    }

    @Test func aConnectionThatSaysNothingIsDroppedAfterTheHandshakeTimeout() async throws {
        let alice = PeerSide(handshakeTimeout: .milliseconds(300))
        let listener = try await LineTransport.listen(host: "127.0.0.1", port: 0)
        let port = try #require(listener.channel.localAddress?.port)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await alice.endpoint.serve(listener) }
            let silent = try await rawExchange(port: port, send: [])
            #expect(silent.isEmpty)
            group.cancelAll()
        }
    }

    @Test func aRevokedGrantOpensNothing() async throws {
        let alice = PeerSide()
        let listener = try await LineTransport.listen(host: "127.0.0.1", port: 0)
        let port = try #require(listener.channel.localAddress?.port)
        await alice.grants.expect(token: "gone", peer: "bob", me: "alice")
        await alice.grants.revoke(token: "gone")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await alice.endpoint.serve(listener) }
            let bob = PeerSide(handshakeTimeout: .milliseconds(500))
            await bob.endpoint.connect(PeerAssignment(grant: grant(port: port, token: "gone"), me: "bob"))
            try await bob.expectFailed("alice")
            group.cancelAll()
        }
    }

    @Test func theConnectingSideRefusesAWelcomeFromSomeoneElse() async throws {
        let impostor = try await LineTransport.listen(host: "127.0.0.1", port: 0)
        let port = try #require(impostor.channel.localAddress?.port)
        let bob = PeerSide()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await impostor.executeThenClose { connections in
                    for try await connection in connections {
                        try await connection.executeThenClose { inbound, outbound in
                            var lines = inbound.makeAsyncIterator()
                            _ = try await lines.next()
                            try await outbound.write(PeerFrame.welcome(user: "mallory").buffer)
                            _ = try await lines.next()
                        }
                        return
                    }
                }
            }
            await bob.endpoint.connect(PeerAssignment(grant: grant(port: port, token: "t"), me: "bob"))
            try await bob.expectFailed("alice")
            group.cancelAll()
        }
    }

    @Test func nobodyListeningIsAFailure() async throws {
        let closed = try await LineTransport.listen(host: "127.0.0.1", port: 0)
        let port = try #require(closed.channel.localAddress?.port)
        try await closed.channel.close()
        let bob = PeerSide()
        await bob.endpoint.connect(PeerAssignment(grant: grant(port: port, token: "t"), me: "bob"))
        try await bob.expectFailed("alice")
    }

    @Test func aLostConnectionEndsWithoutAReason() async throws {
        let alice = PeerSide()
        let bob = PeerSide()
        let listener = try await LineTransport.listen(host: "127.0.0.1", port: 0)
        let port = try #require(listener.channel.localAddress?.port)
        await alice.grants.expect(token: "t", peer: "bob", me: "alice")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await alice.endpoint.serve(listener) }
            group.addTask {
                await bob.endpoint.connect(PeerAssignment(grant: grant(port: port, token: "t"), me: "bob"))
            }
            _ = try await alice.established()
            let bobLink = try await bob.established()
            bobLink.close(saying: nil)
            try await alice.expectClosed(by: "bob", reason: nil)
            group.cancelAll()
        }
    }
}

@Suite("Grants for direct sessions")
struct GrantBookTests {
    @Test func aClaimWaitsForAGrantThatArrivesLate() async throws {
        let grants = GrantBook()
        async let claimed = grants.claim(token: "late", peer: "bob", within: .seconds(10))
        try await within(10, "the claim to wait") {
            while await grants.waitingClaims == 0 { await Task.yield() }
        }
        await grants.expect(token: "late", peer: "bob", me: "alice")
        #expect(await claimed == "alice")
    }

    @Test func aClaimGivesUpAfterItsTimeout() async {
        let grants = GrantBook()
        #expect(await grants.claim(token: "never", peer: "bob", within: .milliseconds(50)) == nil)
        #expect(await grants.waitingClaims == 0)
    }

    @Test func aClaimForTheWrongPeerIsRefusedAtOnce() async {
        let grants = GrantBook()
        await grants.expect(token: "t", peer: "bob", me: "alice")
        #expect(await grants.claim(token: "t", peer: "carol", within: .seconds(10)) == nil)
        #expect(await grants.claim(token: "t", peer: "bob", within: .seconds(10)) == "alice")
    }
}
