import ParleyE2E
import ParleyProtocol

/// The session's side of private sessions: building the sealed session from the server's grant, the
/// handshake (direct, or through the relay when the direct path fails), sealing what the user sends,
/// opening what the peer sends, and ending sessions. All sealing and opening after the handshake happens
/// here, so both paths are protected the same way.
extension ClientSession {
    func granted(_ grant: PrivateGrant) async {
        guard case .chatting(let me) = phase else { return }
        outgoingRequests.remove(grant.user)
        await endPeer(grant.user, saying: nil)
        var sealed: SealedSession
        switch SealedSession.forGrant(grant, me: me, ownKey: keyring.take(for: grant.user)) {
        case .success(let made): sealed = made
        case .failure(let problem): return await cannotStart(grant.user, reason: problem.reason)
        }
        switch grant.role {
        case .listen:
            peers[grant.user] = .awaitingPeer(token: grant.token, sealed: sealed)
            await grants.expect(token: grant.token, peer: grant.user, me: me, sealed: sealed)
            // The peer tries our port for `privateDirectTimeout`, then the relay for a handshake's time; past
            // both (and a handshake's time more for the network), it is not coming.
            let limit = configuration.privateDirectTimeout + configuration.peerHandshakeTimeout * 2
            report(.peerOverdue(peer: grant.user, token: grant.token), after: limit)
        case .connect:
            do {
                let hello = try sealed.seal(PrivatePayload.hello)
                peers[grant.user] = .connecting(token: grant.token, sealed: sealed, hello: hello)
                assign(PeerAssignment(grant: grant, me: me, hello: hello, sealed: sealed))
            } catch {
                await cannotStart(grant.user, reason: "\(error)")
            }
        }
    }

    func handle(_ event: PeerEvent) async {
        switch event {
        case .established(let link, let sealed):
            switch peers[link.peer] {
            case .awaitingPeer(link.token, _)?, .connecting(link.token, _, _)?:
                await started(PrivateChannel(peer: link.peer, token: link.token, path: .direct(link), sealed: sealed))
            default:
                // The session ended (or went through the relay) while the handshake ran.
                link.close()
            }
        case .directFailed(let peer, let token):
            guard case .connecting(token, let sealed, let hello)? = peers[peer] else { return }
            peers[peer] = .awaitingRelayedWelcome(token: token, sealed: sealed)
            await send(.relay(to: peer, data: hello), as: .background)
            // As long as a direct handshake would get.
            report(.relayHandshakeOverdue(peer: peer, token: token), after: configuration.peerHandshakeTimeout)
        case .sealed(let peer, let token, let data):
            guard case .active(let channel)? = peers[peer], channel.token == token, !channel.isRelayed else { return }
            await received(data, on: channel)
        case .unreadable(let peer, let token):
            guard case .active(let channel)? = peers[peer], channel.token == token, !channel.isRelayed else { return }
            await reject(from: peer, .malformed)
        case .closed(let peer, let token):
            closingLinks[token] = nil
            guard case .active(let channel)? = peers[peer], channel.token == token, !channel.isRelayed else { return }
            peers[peer] = nil
            await show(MessageRendering.privateEnded(peer: peer, reason: nil))
            // Lost without a word: the server still counts the session as active until told.
            await send(.stopPrivate(user: peer), as: .background)
        case .relayHandshakeOverdue(let peer, let token):
            guard case .awaitingRelayedWelcome(token, _)? = peers[peer] else { return }
            peers[peer] = nil
            await show(Texts.privateConnectFailed(peer))
            await send(.stopPrivate(user: peer), as: .background)
        case .peerOverdue(let peer, let token):
            guard case .awaitingPeer(token, _)? = peers[peer] else { return }
            await endPeer(peer, saying: nil)  // its grant is revoked: a late connection is dropped
            await show(Texts.privateConnectFailed(peer))
            await send(.stopPrivate(user: peer), as: .background)
        }
    }

    /// A sealed frame the server relayed from `peer`. Before the session is up it is the handshake (the
    /// server passes relay data only between the two users of an active session, and the sealed proof is
    /// what authenticates the peer); after, the peer's frames on the relayed path.
    func relayed(_ data: String, from peer: String) async {
        switch peers[peer] {
        case .awaitingPeer(let token, var sealed)?:
            // The peer could not reach our port. Its grant must still be unused, or the direct path won.
            guard await grants.revoke(token: token) else { return }
            do {
                guard try sealed.openPayload(data) == .hello else { throw SealedSession.Failure.malformed }
                let welcome = try sealed.seal(PrivatePayload.welcome)
                await send(.relay(to: peer, data: welcome), as: .background)
                await started(PrivateChannel(peer: peer, token: token, path: .relayed, sealed: sealed))
            } catch {
                await reject(from: peer, error)
            }
        case .awaitingRelayedWelcome(let token, var sealed)?:
            do {
                guard try sealed.openPayload(data) == .welcome else { throw SealedSession.Failure.malformed }
                await started(PrivateChannel(peer: peer, token: token, path: .relayed, sealed: sealed))
            } catch {
                await reject(from: peer, error)
            }
        case .active(let channel)? where channel.isRelayed:
            await received(data, on: channel)
        default:
            // No relayed session with `peer` (it ended, or it runs directly): nothing to open this with.
            break
        }
    }

    /// Seals `payload` for the session with `peer` and sends it on the session's path. Returns false when
    /// there is no active session.
    @discardableResult
    func sendPrivate(_ payload: PrivatePayload, to peer: String) async -> Bool {
        guard case .active(var channel)? = peers[peer] else { return false }
        let frame: String
        do {
            frame = try channel.sealed.seal(payload)
        } catch {
            // Sealing with a valid key does not fail; if it ever does, nothing goes out in clear.
            return false
        }
        peers[peer] = .active(channel)
        switch channel.path {
        case .direct(let link): link.send(sealed: frame)
        case .relayed: await send(.relay(to: peer, data: frame), as: .background)
        }
        return true
    }

    /// Forgets the session with `peer`, closing its direct connection (after a sealed `bye` with `reason`,
    /// if given). A relayed session needs no word: the server tells the peer. Returns whether there was one.
    @discardableResult
    func endPeer(_ peer: String, saying reason: PrivateEndReason?) async -> Bool {
        guard let state = peers.removeValue(forKey: peer) else { return false }
        switch state {
        case .awaitingPeer(let token, _):
            await grants.revoke(token: token)
        case .connecting, .awaitingRelayedWelcome:
            // A direct attempt still running finds the session gone when it reports, and closes its link.
            break
        case .active(var channel):
            if case .direct(let link) = channel.path {
                if let reason, let bye = try? channel.sealed.seal(PrivatePayload.bye(reason)) {
                    link.send(sealed: bye)
                }
                link.close()
                closingLinks[link.token] = link
            }
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

    /// Shows the session's fingerprint (`privatekey USER`).
    func showFingerprint(of peer: String) async {
        guard case .active(let channel)? = peers[peer] else {
            return await show(ErrorCode.privateNotEnabled.text(subject: peer))
        }
        await show(Texts.privateFingerprint(peer, fingerprint: channel.sealed.fingerprint))
    }

    private func started(_ channel: PrivateChannel) async {
        peers[channel.peer] = .active(channel)
        await show(Texts.privateStarted(channel.peer))
        await show(channel.isRelayed ? Texts.privatePathRelayed(channel.peer) : Texts.privatePathDirect(channel.peer))
        await show(Texts.privateFingerprint(channel.peer, fingerprint: channel.sealed.fingerprint))
    }

    /// Opens a frame of an active session and acts on what it says.
    private func received(_ data: String, on channel: PrivateChannel) async {
        var channel = channel
        let payload: PrivatePayload
        do {
            payload = try channel.sealed.openPayload(data)
        } catch {
            return await reject(from: channel.peer, error)
        }
        peers[channel.peer] = .active(channel)
        switch payload {
        case .text(let text):
            // What `private` lets a user send; a peer client changed to send more (a screenful of one line, say)
            // gets a word instead, and the session goes on.
            guard CredentialRules.messageTextProblem(text) == nil else {
                return await show(Texts.privateTextRefused(channel.peer))
            }
            await show(MessageRendering.privateLine(from: channel.peer, text: text))
        case .bye(let reason):
            await endPeer(channel.peer, saying: nil)
            await show(MessageRendering.privateEnded(peer: channel.peer, reason: reason))
        case .hello, .welcome:
            // An authentic but repeated handshake frame changes nothing.
            break
        }
    }

    /// A frame from `peer` did not open: the channel cannot be trusted any more, so the session ends, and
    /// the server is told so the peer hears of it too.
    private func reject(from peer: String, _ failure: SealedSession.Failure) async {
        await show(Texts.privateFrameRejected(peer, problem: failure.description))
        await endPeer(peer, saying: nil)
        await show(Texts.privateEnded(peer))
        await send(.stopPrivate(user: peer), as: .background)
    }

    private func reject(from peer: String, _ error: any Error) async {
        await reject(from: peer, error as? SealedSession.Failure ?? .malformed)
    }

    /// The grant cannot give an end-to-end encrypted session: say so and end it for both sides, rather than
    /// fall back to anything in clear.
    private func cannotStart(_ peer: String, reason: String) async {
        await show(Texts.privateCannotStart(peer, reason: reason))
        await send(.stopPrivate(user: peer), as: .background)
    }

    /// Reports `event` (a deadline of a handshake) after `limit`; the handler ignores it if the session has
    /// moved on by then.
    private func report(_ event: PeerEvent, after limit: Duration) {
        guard let sink = inputSink else { return }
        Task {
            // Sleeping the full time is the point; nothing cancels it, and a late report is ignored.
            try? await Task.sleep(for: limit)
            sink.yield(.peer(event))
        }
    }
}
