import ParleyE2E
import ParleyProtocol

/// The session's handle on an established direct connection. Sealed frames given to it are written to the
/// peer by the task that owns the connection; closing it ends that task and the connection.
struct PeerLink: Sendable {
    let peer: String
    /// The one-time token of this session; tells a new session from an old one with the same peer.
    let token: String
    let outgoing: AsyncStream<PeerFrame>.Continuation
    /// Ends once everything given to `outgoing` has been written (or writing failed) and the connection
    /// is closing; lets the session say goodbye to peers before it tears everything down.
    let drained: AsyncStream<Void>

    /// Writes one frame sealed by the session.
    func send(sealed: String) {
        outgoing.yield(.sealed(sealed))
    }

    /// Closes the connection once what was sent before has been written.
    func close() {
        outgoing.finish()
    }
}

/// What the direct connections report to the session.
enum PeerEvent: Sendable {
    /// The sealed handshake succeeded (either side); `sealed` is the session's sealing state after it,
    /// handed over to the session, which seals and opens everything from then on.
    case established(PeerLink, sealed: SealedSession)
    /// The direct connection to `peer` for the session with `token` could not be made or did not complete
    /// its handshake; the session falls back to the server's relay.
    case directFailed(peer: String, token: String)
    /// A sealed frame arrived on the direct connection, still sealed.
    case sealed(peer: String, token: String, data: String)
    /// Something other than a sealed frame arrived after the handshake; reading stops.
    case unreadable(peer: String, token: String)
    /// The direct connection is gone.
    case closed(peer: String, token: String)
    /// The relayed `welcome` the session waits for after falling back did not come in time.
    case relayHandshakeOverdue(peer: String, token: String)
    /// The peer of a session we listen for neither connected nor sent its `hello` through the relay in the
    /// time both of its attempts may take.
    case peerOverdue(peer: String, token: String)
}

/// A session the server granted where we connect: where to reach the peer, as whom, our sealed `hello`,
/// and the sealing state after it (to open the peer's `welcome`).
struct PeerAssignment: Sendable {
    let grant: PrivateGrant
    let me: String
    let hello: String
    let sealed: SealedSession
}
