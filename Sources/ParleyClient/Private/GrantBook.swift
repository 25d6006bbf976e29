import Foundation
import ParleyE2E

/// The sessions the server granted where this client listens: whom each is for, its one-time token and
/// the sealing state that the peer's proof must open with.
///
/// A peer is let in only if its sealed `hello` opens with the key of the session granted for exactly that
/// peer, which proves both the token (bound into the key) and the peer's key. A proof that does not open
/// leaves the grant for the rightful peer. The peer may connect before this client has read its own
/// `private_ready` (both events leave the server at once but travel separately), so a claim for a peer
/// with no grant yet waits a little for it instead of being refused at once.
actor GrantBook {
    /// What a successful claim hands over: the session's token, our own name (told back in `welcome`)
    /// and the sealing state after the proof was opened.
    struct Claim: Sendable {
        let token: String
        let me: String
        let sealed: SealedSession
    }

    private struct Grant {
        let token: String
        let peer: String
        let me: String
        let sealed: SealedSession
    }

    private struct Waiter {
        let peer: String
        let proof: String
        let continuation: CheckedContinuation<Claim?, Never>
    }

    private var grants: [Grant] = []
    private var waiters: [UInt64: Waiter] = [:]
    private var nextWaiter: UInt64 = 0

    /// Accept one connection from `peer` whose proof opens with `sealed`; `me` is our name.
    func expect(token: String, peer: String, me: String, sealed: SealedSession) {
        // One session per pair of users: a new grant replaces any older one for the same peer.
        grants.removeAll { $0.peer == peer }
        grants.append(Grant(token: token, peer: peer, me: me, sealed: sealed))
        for (id, waiter) in waiters where waiter.peer == peer {
            waiters[id] = nil
            waiter.continuation.resume(returning: admit(peer: waiter.peer, proof: waiter.proof))
        }
    }

    /// The grant with `token` no longer opens anything (its session ended, or the peer came through the
    /// relay instead). Returns whether it was still unused.
    @discardableResult
    func revoke(token: String) -> Bool {
        guard let index = grants.firstIndex(where: { $0.token == token }) else { return false }
        grants.remove(at: index)
        return true
    }

    /// Uses up the grant for `peer` if `proof` (a sealed `hello`) opens with its key, waiting up to
    /// `timeout` for the grant to arrive. Returns `nil` to refuse the connection.
    func claim(peer: String, proof: String, within timeout: Duration) async -> Claim? {
        if grants.contains(where: { $0.peer == peer }) { return admit(peer: peer, proof: proof) }
        let id = nextWaiter
        nextWaiter += 1
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiters[id] = Waiter(peer: peer, proof: proof, continuation: continuation)
                Task {
                    // Waking early (cancelled) is fine: giving up is what cancellation asks for.
                    try? await Task.sleep(for: timeout)
                    self.giveUp(id)
                }
            }
        } onCancel: {
            Task { await self.giveUp(id) }
        }
    }

    /// How many claims are waiting for their grant (tests use it to order events).
    var waitingClaims: Int { waiters.count }

    private func giveUp(_ id: UInt64) {
        waiters.removeValue(forKey: id)?.continuation.resume(returning: nil)
    }

    private func admit(peer: String, proof: String) -> Claim? {
        guard let index = grants.firstIndex(where: { $0.peer == peer }) else { return nil }
        var sealed = grants[index].sealed
        guard (try? sealed.openPayload(proof)) == .hello else { return nil }
        let grant = grants.remove(at: index)
        return Claim(token: grant.token, me: grant.me, sealed: sealed)
    }
}
