import Foundation
import ParleyProtocol

/// What the server pushes (messages, presence, consent and the life of private sessions, logouts), and how
/// each is shown.
extension ClientSession {
    func handle(_ event: ServerEvent) async {
        switch event {
        case .message(let message):
            await show(MessageRendering.line(for: message, now: Date(), calendar: configuration.calendar))
        case .presence(let user, let online):
            await showPresence(of: user, online: online)
        case .privateRequest(let from):
            consent.add(from)
            await show(Texts.consentQuestion(from))
        case .privateRequestClosed(let from, _):
            keyring.forget(from)
            if consent.remove(from) { await show(Texts.consentRequestClosed(from)) }
        case .privateExpired(let user):
            keyring.forget(user)
            outgoingRequests.remove(user)
            await show(Texts.consentExpired(user))
        case .privateDeclined(let user):
            keyring.forget(user)
            outgoingRequests.remove(user)
            await show(Texts.consentDeclined(user))
        case .privateReady(let grant):
            await granted(grant)
        case .privateEnded(let user, let reason):
            // The peer has (or gets) the same event, so the connection is closed without a word. This is also
            // how relayed sessions end, whatever the reason.
            keyring.forget(user)
            let hadSession = await endPeer(user, saying: nil)
            let hadRequest = outgoingRequests.remove(user) != nil
            if hadSession {
                await show(MessageRendering.privateEnded(peer: user, reason: reason))
            } else if hadRequest {
                // A request never answered (its user left, or blocked us) was not a session that ended.
                await show(Texts.ownRequestClosed(user))
            }
        case .loggedOut(let reason):
            if reason != .shutdown { await closeAllPeers(saying: reason == .inactivity ? .timeout : .logout) }
            switch reason {
            case .inactivity:
                await show(Texts.inactivityLogout)
                exit = .inactivity
            case .shutdown:
                await show(Texts.serverShutdown)
                // The peer hears of the shutdown too: "ended", as it says itself, not "logged out".
                await closeWhatTheLossEnded(sayingToPeers: .stopped)
                exit = .serverShutdown
                lossIsRecoverable = true
            case .loginTimeout:
                await show(Texts.loginTimedOut)
                exit = .refused
            case .serverFull:
                if reconnecting != nil { return reconnectAttemptFailed(Texts.serverFull) }
                await show(Texts.serverFull)
                exit = .refused
            case .tooFast:
                await show(Texts.disconnectedTooFast)
                exit = .connectionLost
            case .resumedElsewhere:
                await show(Texts.resumedElsewhere)
                exit = .refused
            }
        case .relay(let from, let data):
            await relayed(data, from: from)
        }
    }
}
