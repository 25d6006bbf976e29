import ParleyE2E

/// A private session with one peer, from the server's grant to its end. The sealing state lives in exactly
/// one place at a time: here, or (during the direct handshake) with the task doing it, which hands it back
/// in `PeerEvent.established`.
enum PeerState: Sendable {
    /// We listen (we asked): waiting for the peer's sealed `hello`, on our port or through the relay.
    /// A copy of `sealed` is in the grant book for the direct path; the relayed path uses this one.
    case awaitingPeer(token: String, sealed: SealedSession)
    /// We connect (we accepted): the direct attempt is running. `sealed` is the state after sealing `hello`,
    /// kept so the relay can take over with the same `hello` if the direct path fails.
    case connecting(token: String, sealed: SealedSession, hello: String)
    /// The direct path failed; our sealed `hello` went through the server and we wait for the `welcome`.
    case awaitingRelayedWelcome(token: String, sealed: SealedSession)
    case active(PrivateChannel)
}

/// An established private session: the sealing state and the path its sealed frames take.
struct PrivateChannel: Sendable {
    enum Path: Sendable {
        /// Over our own TCP connection to the peer.
        case direct(PeerLink)
        /// Through the server (`relay` requests and events), because no direct connection could be made.
        case relayed
    }

    let peer: String
    let token: String
    let path: Path
    var sealed: SealedSession

    var isRelayed: Bool {
        if case .relayed = path { return true }
        return false
    }
}
