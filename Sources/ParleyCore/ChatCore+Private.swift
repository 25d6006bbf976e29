import Foundation
import ParleyProtocol

/// Brokering of peer-to-peer private sessions (SPEC section 5): consent, hand-out of address, port and a
/// one-time token, expiry of unanswered requests, and telling a peer when the other side goes.
extension ChatCore {
    mutating func startPrivate(
        _ id: RequestID, user: String, on connection: ConnectionID, target: String, port: Int, key: String?,
        at now: Date
    ) {
        guard accounts[target] != nil else { return fail(connection, id, .invalidUser) }
        guard target != user else { return fail(connection, id, .cannotPrivateSelf) }
        guard online[target] != nil else { return fail(connection, id, .userOffline, subject: target) }
        guard !hasBlocked(target, user) else { return fail(connection, id, .blockedByUser, subject: target) }
        guard !broker.isActive(user, target) else {
            return fail(connection, id, .privateAlreadyActive, subject: target)
        }
        guard broker.pendingRequest(between: user, and: target) == nil else {
            return fail(connection, id, .privateRequestPending, subject: target)
        }
        guard (1...65535).contains(port), let address = connections[connection]?.address else {
            return fail(connection, id, .invalidArguments)
        }
        let expires = now.addingTimeInterval(configuration.privateRequestLifetime)
        broker.addRequest(.init(from: user, to: target, address: address, port: port, key: key, expires: expires))
        effects.append(.schedule(.privateRequest(from: user, to: target), at: expires))
        reply(connection, Reply(id: id))
        send(.privateRequest(from: user), to: target)
    }

    mutating func answerPrivate(
        _ id: RequestID, user: String, on connection: ConnectionID, requester: String, accept: Bool,
        key: String?
    ) {
        guard let request = broker.pendingRequest(between: user, and: requester), request.to == user else {
            return fail(connection, id, .noPrivateRequest, subject: requester)
        }
        broker.removeRequest(between: user, and: requester)
        effects.append(.cancel(.privateRequest(from: requester, to: user)))
        reply(connection, Reply(id: id))
        guard accept else { return send(.privateDeclined(user: user), to: requester) }
        let token = makeToken()
        broker.activate(user, requester)
        send(
            .privateReady(
                PrivateGrant(
                    user: user, host: request.address, port: request.port, token: token, role: .listen, key: key)),
            to: requester)
        send(
            .privateReady(
                PrivateGrant(
                    user: requester, host: request.address, port: request.port, token: token, role: .connect,
                    key: request.key)),
            to: user)
    }

    /// Passes sealed bytes to the peer of an active session; the server cannot read them.
    mutating func relay(_ id: RequestID, user: String, on connection: ConnectionID, to peer: String, data: String) {
        guard broker.isActive(user, peer) else { return fail(connection, id, .privateNotEnabled, subject: peer) }
        reply(connection, Reply(id: id))
        send(.relay(from: user, data: data), to: peer)
        statistics.relayedFrames += 1
    }

    mutating func stopPrivate(_ id: RequestID, user: String, on connection: ConnectionID, peer: String) {
        if broker.deactivate(user, peer) {
            reply(connection, Reply(id: id))
            return send(.privateEnded(user: user, reason: .stopped), to: peer)
        }
        // The user's own request, not answered yet, is withdrawn: a late yes must not start what they called off.
        if let request = broker.pendingRequest(between: user, and: peer), request.from == user {
            broker.removeRequest(between: user, and: peer)
            effects.append(.cancel(.privateRequest(from: user, to: peer)))
            reply(connection, Reply(id: id))
            return send(.privateRequestClosed(from: user, reason: .stopped), to: peer)
        }
        fail(connection, id, .privateNotEnabled, subject: peer)
    }

    mutating func privateRequestTimerFired(from: String, to: String, at now: Date) {
        guard let request = broker.pendingRequest(between: from, and: to), request.from == from else { return }
        // A timer that fires early (the wall clock stepped back) is set again, or the request would never expire.
        guard now >= request.expires else {
            effects.append(.schedule(.privateRequest(from: from, to: to), at: request.expires))
            return
        }
        broker.removeRequest(between: from, and: to)
        send(.privateExpired(user: to), to: from)
        send(.privateRequestClosed(from: from, reason: .expired), to: to)
    }

    /// Ends the active session and any waiting request between two users (after a block), telling both.
    mutating func endPrivate(between user: String, and other: String, reason: PrivateEndReason) {
        if let request = broker.removeRequest(between: user, and: other) {
            effects.append(.cancel(.privateRequest(from: request.from, to: request.to)))
            send(.privateRequestClosed(from: request.from, reason: reason), to: request.to)
            // Its timer is gone, so the requester hears now or never.
            send(.privateEnded(user: request.to, reason: reason), to: request.from)
        }
        guard broker.deactivate(user, other) else { return }
        send(.privateEnded(user: other, reason: reason), to: user)
        send(.privateEnded(user: user, reason: reason), to: other)
    }

    /// `user` is going: their peers are told and their requests, made or received, are dropped.
    mutating func endPrivateSessions(of user: String, reason: PrivateEndReason, tellingOthers: Bool = true) {
        for request in broker.requests(involving: user) {
            broker.removeRequest(between: request.from, and: request.to)
            effects.append(.cancel(.privateRequest(from: request.from, to: request.to)))
            if !tellingOthers { continue }
            if request.from == user {
                send(.privateRequestClosed(from: user, reason: reason), to: request.to)
            } else {
                send(.privateEnded(user: user, reason: reason), to: request.from)
            }
        }
        for peer in broker.activePeers(of: user) {
            broker.deactivate(user, peer)
            if tellingOthers { send(.privateEnded(user: user, reason: reason), to: peer) }
        }
    }
}
