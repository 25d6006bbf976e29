import ParleyProtocol

/// The session's side of direct sessions: starting them from the server's grant, and following what the
/// connections report until they end.
extension ClientSession {
    func granted(_ grant: PrivateGrant) async {
        guard case .chatting(let me) = phase else { return }
        outgoingRequests.remove(grant.user)
        await endPeer(grant.user, saying: nil)
        peers[grant.user] = .connecting(token: grant.token)
        switch grant.role {
        case .listen: await grants.expect(token: grant.token, peer: grant.user, me: me)
        case .connect: assign(PeerAssignment(grant: grant, me: me))
        }
    }

    func handle(_ event: PeerEvent) async {
        switch event {
        case .established(let link):
            guard case .connecting(link.token)? = peers[link.peer] else { return link.close(saying: nil) }
            peers[link.peer] = .active(link)
            await show(Texts.privateStarted(link.peer))
        case .failed(let peer, let token):
            guard case .connecting(token)? = peers[peer] else { return }
            peers[peer] = nil
            await show(Texts.privateConnectFailed(peer))
            await send(.stopPrivate(user: peer), as: .background)
        case .text(let peer, let token, let text):
            guard case .active(let link)? = peers[peer], link.token == token else { return }
            await show(MessageRendering.privateLine(from: peer, text: text))
        case .closed(let peer, let token, let reason):
            closingLinks[token] = nil
            guard case .active(let link)? = peers[peer], link.token == token else { return }
            peers[peer] = nil
            await show(MessageRendering.privateEnded(peer: peer, reason: reason))
            // Lost without a word: the server still counts the session as active until told.
            if reason == nil { await send(.stopPrivate(user: peer), as: .background) }
        }
    }

    /// Forgets the session with `peer`, closing its connection (with `reason` told to the peer, if given).
    /// Returns whether there was one.
    @discardableResult
    func endPeer(_ peer: String, saying reason: PrivateEndReason?) async -> Bool {
        guard let state = peers.removeValue(forKey: peer) else { return false }
        switch state {
        case .connecting(let token):
            await grants.revoke(token: token)
        case .active(let link):
            link.close(saying: reason)
            closingLinks[link.token] = link
        }
        return true
    }

    /// Waits (at most `limit`) until the links being closed have written their last frames, so a `bye`
    /// reaches the peer before the run tears its tasks down.
    func waitForClosingLinks(upTo limit: Duration) async {
        let links = Array(closingLinks.values)
        closingLinks = [:]
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for link in links {
                    for await _ in link.drained {}
                }
            }
            group.addTask { try? await Task.sleep(for: limit) }  // Woken early by cancellation: fine, stop waiting.
            await group.next()
            group.cancelAll()
        }
    }

    func closeAllPeers(saying reason: PrivateEndReason?) async {
        for peer in Array(peers.keys) { await endPeer(peer, saying: reason) }
    }
}
