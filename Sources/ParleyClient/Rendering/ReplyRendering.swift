import ParleyProtocol

/// What the user sees when the reply to one of their commands arrives. Login replies steer the login
/// dialogue instead and are handled by the session.
enum ReplyRendering {
    static func lines(for request: PendingRequest, reply: Reply) -> [String] {
        if case .background = request { return [] }
        guard reply.ok else { return [reply.error?.message ?? ErrorCode.malformedRequest.text()] }
        switch request {
        case .message(let to): return reply.stored == true ? [Texts.storedForLater(to)] : []
        case .broadcast: return reply.partial == true ? [Texts.broadcastPartlyBlocked] : []
        case .whoelse:
            let users = reply.users ?? []
            return users.isEmpty ? [Texts.noOtherUsersOnline] : users
        case .whoelsesince(let seconds):
            let users = reply.users ?? []
            return users.isEmpty ? [Texts.noOtherUsersSince(seconds)] : users
        case .block(let user, _): return [Texts.blocked(user)]
        case .unblock(let user): return [Texts.unblocked(user)]
        case .blocked:
            let users = reply.users ?? []
            return users.isEmpty ? [Texts.noBlockedUsers] : users
        case .changePassword: return [Texts.passwordChanged]
        case .startPrivate(let user): return [Texts.waitingForConsent(user)]
        case .stopPrivate(let user): return [Texts.privateEnded(user)]
        case .logout: return [Texts.goodbye]
        case .answerPrivate(let user, accept: false): return [Texts.declinedByYou(user)]
        case .answerPrivate, .hello, .login, .resume, .register, .background, .onlineAfterReconnecting: return []
        }
    }
}
