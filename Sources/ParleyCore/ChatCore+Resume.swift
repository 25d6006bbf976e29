import Foundation
import ParleyProtocol

/// Picking a session up again after its connection was lost (`resume`), with the token its login gave instead
/// of the password: no password check (no scrypt at every reconnection after a restart of the server), and a
/// client that need not keep the password in memory to come back.
///
/// A token is good for one resume: each login or resume on a `resumable` connection replaces the user's grant
/// with a new one. It stays good while the session lasts and for `resumeWindow` after its connection was lost
/// or the server stopped; a logout, an inactivity logout or a password reset by the operator ends it at once.
///
/// One exception, for a connection lost with a resume's answer (and so the next token) in it: the token that
/// resume used is taken again for `resumeWindow` after it, until the next token has been used. Refusing it
/// would ask for the password after every such loss, which is what a flaky network makes; taking it longer
/// would let a token that did its work go on working. It is held in memory only, so not across a restart.
/// A resume while the server still holds the old session (a connection not yet found dead) ends that session,
/// since only its own client has the token. A wrong token counts as a login attempt against the address and
/// account limits, as a wrong password does, but never towards the account's lock.
extension ChatCore {
    mutating func resumeSession(
        _ connection: ConnectionID, _ id: RequestID, username: String, token: String, at now: Date
    ) {
        guard CredentialRules.isValidUsername(username) else { return fail(connection, id, .invalidUsername) }
        guard allowLoginAttempt(on: connection, username: username, at: now) else {
            return fail(connection, id, .tooManyLoginAttempts)
        }
        let presented = digestToken(token)
        guard let grant = accounts[username]?.resume,
            grant.admits(presented) || grant.admitsPrevious(presented, at: now),
            grant.isOpen(at: now, window: configuration.resumeWindow)
        else {
            effects.append(.log(LogEntry(.info, "resume refused", user: username, connection: connection)))
            return fail(connection, id, .resumeRefused)
        }
        refundLoginAttempt(on: connection, username: username)
        if let old = online[username] {
            endSession(on: old, reason: .resumedElsewhere, at: now)
            close(old)
        }
        statistics.resumes += 1
        effects.append(.log(LogEntry(.info, "session resumed", user: username, connection: connection)))
        beginSession(connection, id, user: username, resumedWith: presented, at: now)
    }

    /// A new grant for `user`'s session on `connection`, if its client resumes sessions: the token for the
    /// reply (the grant keeps only its digest), stored like the rest of the account. After a resume, the
    /// token it `presented` (a digest) stays taken until the new one is used (see above).
    mutating func grantResume(
        to user: String, on connection: ConnectionID, resumedWith presented: String?, at now: Date
    ) -> String? {
        guard connections[connection]?.resumable == true else {
            if accounts[user]?.resume != nil { setResumeGrant(of: user, to: nil) }
            return nil
        }
        let token = makeToken() + makeToken()
        let previous = presented.map {
            ResumeGrant.PreviousToken(digest: $0, until: now.addingTimeInterval(configuration.resumeWindow))
        }
        setResumeGrant(of: user, to: ResumeGrant(tokenDigest: digestToken(token), previous: previous))
        return token
    }

    /// The grant after a session ended: open for `resumeWindow` from now if the connection was lost or the
    /// server stopped, gone if the user logged out or was logged out for inactivity.
    mutating func settleResume(of user: String, after end: SessionEnd, at now: Date) {
        guard var grant = accounts[user]?.resume else { return }
        switch end {
        case .disconnect, .shutdown:
            grant.endedAt = now
            setResumeGrant(of: user, to: grant)
        case .logout, .inactivity:
            setResumeGrant(of: user, to: nil)
        case .resumedElsewhere:
            break  // the resume that ended it grants anew at once
        }
    }

    private mutating func setResumeGrant(of user: String, to grant: ResumeGrant?) {
        accounts[user]?.resume = grant
        persist(.setResumeGrant(name: user, grant: grant))
    }
}
