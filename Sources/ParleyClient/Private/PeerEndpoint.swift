import NIOCore
import ParleyProtocol

/// The direct, client-to-client half of private sessions (SPEC section 5): accepting connections on our
/// listening port, connecting to a peer's, proving the one-time token, and then relaying `PeerFrame`s.
///
/// The connecting side sends `hello` with the token and its name first; the listening side answers
/// `welcome` only when both match a grant, and closes anything else, including a connection that says
/// nothing within `handshakeTimeout`. Everything that happens is reported to the session as a `PeerEvent`.
struct PeerEndpoint: Sendable {
    let grants: GrantBook
    let handshakeTimeout: Duration
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
                guard let first = try await lines.next(), case .hello(let token, let peer) = try PeerFrame(line: first),
                    let me = await grants.claim(token: token, peer: peer, within: handshakeTimeout)
                else { return }
                deadline.cancel()
                try await outbound.write(PeerFrame.welcome(user: me).buffer)
                await relay(peer: peer, token: token, lines: &lines, outbound: outbound, channel: connection.channel)
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
            let connection = try await LineTransport.connect(
                host: grant.host, port: grant.port, timeout: handshakeTimeout)
            let deadline = closeUnlessHandshakeDone(connection)
            defer { deadline.cancel() }
            try await connection.executeThenClose { inbound, outbound in
                try await outbound.write(PeerFrame.hello(token: grant.token, user: assignment.me).buffer)
                var lines = inbound.makeAsyncIterator()
                guard let first = try await lines.next(), case .welcome(let peer) = try PeerFrame(line: first),
                    peer == grant.user
                else { return }
                deadline.cancel()
                established = true
                await relay(
                    peer: grant.user, token: grant.token, lines: &lines, outbound: outbound,
                    channel: connection.channel)
            }
        } catch {
            // Reported below: to the user a refused, unreachable or broken peer are the same failure.
        }
        if !established { report(.failed(peer: grant.user, token: grant.token)) }
    }

    /// After the handshake: reports the link, writes what the session sends, reports what the peer sends,
    /// and reports the end. Returns when either side is done.
    private func relay(
        peer: String, token: String, lines: inout NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, channel: any Channel
    ) async {
        let (outgoing, continuation) = AsyncStream.makeStream(of: PeerFrame.self)
        let (drained, drainedContinuation) = AsyncStream.makeStream(of: Void.self)
        report(.established(PeerLink(peer: peer, token: token, outgoing: continuation, drained: drained)))
        var reason: PrivateEndReason?
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
                reading: while let line = try await lines.next() {
                    switch try PeerFrame(line: line) {
                    case .text(let text): report(.text(peer: peer, token: token, text: text))
                    case .bye(let said):
                        reason = said
                        break reading
                    case .hello, .welcome: break reading
                    }
                }
            } catch {
                // A broken connection or an unreadable frame ends the session like a lost connection.
            }
            continuation.finish()
            group.cancelAll()
        }
        report(.closed(peer: peer, token: token, reason: reason))
    }

    private func closeUnlessHandshakeDone(_ connection: LineChannel) -> Scheduled<Void> {
        let channel = connection.channel
        return channel.eventLoop.scheduleTask(in: TimeAmount(handshakeTimeout)) { channel.close(promise: nil) }
    }
}
