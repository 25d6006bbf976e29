import ParleyE2E

/// This client's ephemeral keys for private sessions being agreed, one per peer.
///
/// A fresh key goes with every `startprivate` and every accepting `answerprivate`. It is only kept once the
/// server has accepted that request: a refused request (say, one already pending) must not replace the key
/// of the exchange still under way. The key is used up by the grant (`private_ready`) and forgotten when
/// the exchange ends any other way, so no key outlives its session.
struct PrivateKeyring: Sendable {
    /// Keys sent with a request whose reply has not come yet (commands wait for their reply, so at most
    /// one per peer).
    private var offered: [String: EphemeralKey] = [:]
    private var agreed: [String: EphemeralKey] = [:]

    /// A new key for the exchange with `peer`; its public half goes with the request.
    mutating func offer(to peer: String) -> EphemeralKey {
        let key = EphemeralKey()
        offered[peer] = key
        return key
    }

    /// The reply to the request that offered a key to `peer` came: keep the key if it was accepted.
    mutating func answered(_ peer: String, accepted: Bool) {
        guard let key = offered.removeValue(forKey: peer) else { return }
        if accepted { agreed[peer] = key }
    }

    /// Uses up the key for the exchange with `peer`.
    mutating func take(for peer: String) -> EphemeralKey? {
        agreed.removeValue(forKey: peer)
    }

    /// The exchange with `peer` ended without a session.
    mutating func forget(_ peer: String) {
        agreed[peer] = nil
    }
}
