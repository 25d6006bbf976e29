import Foundation

/// The one-time tokens the server handed out for sessions where this client listens, and whom each is for.
///
/// The peer may connect before this client has read its own `private_ready` event (both events leave the
/// server at once but travel separately), so a claim for a token not yet known waits a little for it
/// instead of being refused at once.
actor GrantBook {
    private struct Grant {
        let token: String
        let peer: String
        let me: String
    }

    private struct Waiter {
        let token: String
        let peer: String
        let continuation: CheckedContinuation<String?, Never>
    }

    private var grants: [Grant] = []
    private var waiters: [UInt64: Waiter] = [:]
    private var nextWaiter: UInt64 = 0

    /// Accept one connection from `peer` presenting `token`; `me` is our name, told back in `welcome`.
    func expect(token: String, peer: String, me: String) {
        grants.append(Grant(token: token, peer: peer, me: me))
        for (id, waiter) in waiters where Self.same(waiter.token, token) {
            waiters[id] = nil
            waiter.continuation.resume(returning: take(token: waiter.token, peer: waiter.peer) ?? nil)
        }
    }

    /// The session ended before the peer connected: its token no longer opens anything.
    func revoke(token: String) {
        grants.removeAll { Self.same($0.token, token) }
    }

    /// Uses up the grant for `token` if it was made for `peer`, waiting up to `timeout` for the grant to
    /// arrive. Returns our own name (for `welcome`), or `nil` to refuse the connection.
    func claim(token: String, peer: String, within timeout: Duration) async -> String? {
        if let known = take(token: token, peer: peer) { return known }
        let id = nextWaiter
        nextWaiter += 1
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiters[id] = Waiter(token: token, peer: peer, continuation: continuation)
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

    /// `nil` if the token is unknown; `.some(nil)` if it is known but belongs to someone else (refused, and
    /// the grant stays for its rightful peer); `.some(me)` when it was claimed.
    private func take(token: String, peer: String) -> String?? {
        guard let index = grants.firstIndex(where: { Self.same($0.token, token) }) else { return nil }
        guard grants[index].peer == peer else { return .some(nil) }
        return .some(grants.remove(at: index).me)
    }

    /// Compares tokens in time independent of where they first differ.
    private static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
