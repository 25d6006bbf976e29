import Foundation
import ParleyProtocol

/// Why a session ends; decides what the user and the others are told.
public enum SessionEnd: Sendable, Equatable {
    case logout, inactivity, disconnect, shutdown
    /// Its client picked it up on another connection (`resume`) before this one was found dead.
    case resumedElsewhere

    var privateReason: PrivateEndReason {
        switch self {
        case .logout, .shutdown: .logout
        case .inactivity: .timeout
        case .disconnect, .resumedElsewhere: .disconnect
        }
    }
}

/// The start and end of a logged-in session, and presence (SPEC section 4).
extension ChatCore {
    /// Logs `user` in on `connection`: reply, waiting messages, presence to others, inactivity timer.
    mutating func beginSession(
        _ connection: ConnectionID, _ id: RequestID, user: String, resumedWith presented: String? = nil, at now: Date
    ) {
        connections[connection]?.phase = .loggedIn(user)
        connections[connection]?.lastActivity = now
        online[user] = connection
        unauthenticated.remove(connection)
        if configuration.loginDeadline != nil { effects.append(.cancel(.login(connection))) }
        persist(.recordLogin(name: user, at: now))
        let waiting = mailbox.takeAll(for: user)
        reply(
            connection,
            Reply(
                id: id, username: user, waiting: waiting.count,
                resume: grantResume(to: user, on: connection, resumedWith: presented, at: now)))
        deliverWaiting(waiting, to: connection)
        announcePresence(of: user, online: true, on: connection)
        if let timeout = configuration.inactivityTimeout {
            effects.append(.schedule(.inactivity(connection), at: now.addingTimeInterval(timeout)))
        }
        effects.append(.log(LogEntry(.info, "logged in", user: user, connection: connection)))
    }

    /// Ends whatever session `connection` has; a connection that never logged in just goes.
    mutating func endSession(on connection: ConnectionID, reason: SessionEnd, at now: Date) {
        guard let state = connections[connection] else { return }
        if case .verifying = state.phase { connections[connection]?.phase = .anonymous }
        guard let user = state.user else { return }
        connections[connection]?.phase = .anonymous
        online[user] = nil
        returnUnconfirmed(on: connection, user: user)
        departures.record(user, at: now)
        persist(.recordLogout(name: user, at: now))
        settleResume(of: user, after: reason, at: now)
        if configuration.inactivityTimeout != nil { effects.append(.cancel(.inactivity(connection))) }
        // At a shutdown every peer is being logged out too and ends its sessions on hearing so: telling the
        // peers of the first users to go that they "logged out" would give the two sides different stories.
        endPrivateSessions(of: user, reason: reason.privateReason, tellingOthers: reason != .shutdown)
        switch reason {
        case .inactivity: effects.append(.send(connection, .event(.loggedOut(reason: .inactivity))))
        case .shutdown: effects.append(.send(connection, .event(.loggedOut(reason: .shutdown))))
        case .resumedElsewhere: effects.append(.send(connection, .event(.loggedOut(reason: .resumedElsewhere))))
        case .logout, .disconnect: break
        }
        announcePresence(of: user, online: false, on: connection)
        effects.append(.log(LogEntry(.info, "logged out (\(reason))", user: user, connection: connection)))
    }

    /// Tells every other online user that `user` came or went, except users `user` has blocked.
    mutating func announcePresence(of user: String, online isOnline: Bool, on connection: ConnectionID) {
        var hiddenFrom: [ConnectionID] = []
        for blocked in accounts[user]?.blocked ?? [] {
            if let other = online[blocked] { hiddenFrom.append(other) }
        }
        hiddenFrom.sort { $0.raw < $1.raw }  // a set's order varies from run to run; effects do not
        effects.append(.presence(user: user, online: isOnline, connection: connection, hiddenFrom: hiddenFrom))
    }
}
