import NIOCore
import ParleyE2E
import ParleyProtocol

/// The direct, client-to-client half of private sessions (SPEC section 5): accepting connections on our
/// listening port, connecting to a peer's, the sealed handshake, and then carrying sealed `PeerFrame`s.
///
/// The connecting side sends `hello` with its name and a sealed proof first; the listening side answers
/// a sealed `welcome` only when the proof opens with the key of a session granted for that peer, and closes
/// anything else, including a connection that says nothing within `handshakeTimeout`. After the handshake
/// this type never sees plaintext: it passes sealed frames both ways, and the session seals and opens them.
/// Everything that happens is reported to the session as a `PeerEvent`.
struct PeerEndpoint: Sendable {
    let grants: GrantBook
    let handshakeTimeout: Duration
    /// How long the connecting side tries to reach the peer before the session falls back to the relay.
    let directTimeout: Duration
    let report: @Sendable (PeerEvent) -> Void

    /// Accepts peers until the task is cancelled.
    func serve(_ listener: NIOAsyncChannel<LineChannel, Never>) async {
        do {
            try await listener.executeThenClose { connections in
                await withDiscardingTaskGroup { group in
                    do {
                        for try await connection in connections {
                            group.addTask { await accept(connection) }
                        }
                    } catch {
                        // The listening socket failed; direct sessions already running go on.
                    }
                }
            }
        } catch {
            // Closing the listener failed; there is nothing left to clean up.
        }
    }

    /// Connects to each assigned peer until the stream ends or the task is cancelled.
    func connectAll(_ assignments: AsyncStream<PeerAssignment>) async {
        await withDiscardingTaskGroup { group in
            for await assignment in assignments {
                group.addTask { await connect(assignment) }
            }
        }
    }

    /// The listening side of one inbound connection.
    func accept(_ connection: LineChannel) async {
        let deadline = closeUnlessHandshakeDone(connection)
        defer { deadline.cancel() }
        do {
            try await connection.executeThenClose { inbound, outbound in
                var lines = inbound.makeAsyncIterator()
                guard let first = try await lines.next(), case .hello(let peer, let proof) = try PeerFrame(line: first),
                    let claim = await grants.claim(peer: peer, proof: proof, within: handshakeTimeout)
                else { return }
                deadline.cancel()
                var sealed = claim.sealed
                let welcome = try sealed.seal(PrivatePayload.welcome)
                try await outbound.write(PeerFrame.welcome(user: claim.me, sealed: welcome).buffer)
                await carry(
                    peer: peer, token: claim.token, sealed: sealed, lines: &lines, outbound: outbound,
                    channel: connection.channel)
            }
        } catch {
            // A connection that breaks or sends garbage during the handshake is simply dropped.
        }
    }

    /// The connecting side of an accepted session.
    func connect(_ assignment: PeerAssignment) async {
        let grant = assignment.grant
        var established = false
        do {
            let connection = try await LineTransport.connect(host: grant.host, port: grant.port, timeout: directTimeout)
            let deadline = closeUnlessHandshakeDone(connection)
            defer { deadline.cancel() }
            try await connection.executeThenClose { inbound, outbound in
                try await outbound.write(PeerFrame.hello(user: assignment.me, sealed: assignment.hello).buffer)
                var lines = inbound.makeAsyncIterator()
                var sealed = assignment.sealed
                guard let first = try await lines.next(),
                    case .welcome(let peer, let proof) = try PeerFrame(line: first), peer == grant.user,
                    (try? sealed.openPayload(proof)) == .welcome
                else { return }
                deadline.cancel()
                established = true
                await carry(
                    peer: grant.user, token: grant.token, sealed: sealed, lines: &lines, outbound: outbound,
                    channel: connection.channel)
            }
        } catch {
            // Reported below: a refused, unreachable or silent peer all mean the direct path is not there.
        }
        if !established { report(.directFailed(peer: grant.user, token: grant.token)) }
    }

    /// After the handshake: hands the link and the sealing state to the session, writes the sealed frames it
    /// sends, reports the ones the peer sends, and reports the end. Returns when either side is done.
    private func carry(
        peer: String, token: String, sealed: SealedSession,
        lines: inout NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, channel: any Channel
    ) async {
        let (outgoing, continuation) = AsyncStream.makeStream(of: PeerFrame.self)
        let (drained, drainedContinuation) = AsyncStream.makeStream(of: Void.self)
        report(
            .established(
                PeerLink(peer: peer, token: token, outgoing: continuation, drained: drained), sealed: sealed))
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await frame in outgoing {
                    do { try await outbound.write(frame.buffer) } catch { break }
                }
                // The session closed the link (or writing failed): close the connection, which ends reading.
                channel.close(promise: nil)
                drainedContinuation.finish()
            }
            do {
                while let line = try await lines.next() {
                    guard case .sealed(let data)? = try? PeerFrame(line: line) else {
                        report(.unreadable(peer: peer, token: token))
                        break
                    }
                    report(.sealed(peer: peer, token: token, data: data))
                }
            } catch {
                // A broken connection (or a line over the limit) ends the session like a lost connection.
            }
            continuation.finish()
            group.cancelAll()
        }
        report(.closed(peer: peer, token: token))
    }

    private func closeUnlessHandshakeDone(_ connection: LineChannel) -> Scheduled<Void> {
        let channel = connection.channel
        return channel.eventLoop.scheduleTask(in: TimeAmount(handshakeTimeout)) { channel.close(promise: nil) }
    }
}
