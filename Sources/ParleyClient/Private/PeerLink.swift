import ParleyProtocol

/// The session's handle on an established direct connection. Frames given to it are written to the peer
/// by the task that owns the connection; closing it ends that task and the connection.
struct PeerLink: Sendable {
    let peer: String
    /// The one-time token of this session; tells a new session from an old one with the same peer.
    let token: String
    let outgoing: AsyncStream<PeerFrame>.Continuation
    /// Ends once everything given to `outgoing` has been written (or writing failed) and the connection
    /// is closing; lets the session say goodbye to peers before it tears everything down.
    let drained: AsyncStream<Void>

    func send(_ text: String) {
        outgoing.yield(.text(text))
    }

    /// Says why we leave (when the peer would not otherwise know) and closes the connection.
    func close(saying reason: PrivateEndReason?) {
        if let reason { outgoing.yield(.bye(reason)) }
        outgoing.finish()
    }
}

/// What the direct connections report to the session.
enum PeerEvent: Sendable {
    /// The token handshake succeeded (either side).
    case established(PeerLink)
    /// The connection to `peer` for the session with `token` could not be made or was refused.
    case failed(peer: String, token: String)
    case text(peer: String, token: String, text: String)
    /// The connection is gone; `reason` is what the peer said in `bye`, `nil` if it was simply lost.
    case closed(peer: String, token: String, reason: PrivateEndReason?)
}

/// A session the server granted: where to reach the peer (or that we wait for it), and as whom.
struct PeerAssignment: Sendable {
    let grant: PrivateGrant
    let me: String
}
