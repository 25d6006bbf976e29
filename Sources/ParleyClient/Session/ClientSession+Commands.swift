import ParleyProtocol

/// What each typed command does (SPEC section 3): most become one request whose reply is awaited; the rest
/// are answered locally and reported to the server as activity only.
extension ClientSession {
    func commandTyped(_ line: String) async {
        switch CommandParser.parse(line) {
        case nil:
            return
        case .failure(let problem)?:
            await show(problem.lines)
            await sendActivity()
        case .success(let command)?:
            await perform(command)
        }
    }

    func perform(_ command: UserCommand) async {
        switch command {
        case .message(let to, let text):
            await send(.message(to: to, text: text), as: .message(to: to), awaited: true)
        case .broadcast(let text):
            await send(.broadcast(text: text), as: .broadcast, awaited: true)
        case .whoelse:
            await send(.whoelse, as: .whoelse, awaited: true)
        case .whoelsesince(let seconds):
            await send(.whoelsesince(seconds: seconds), as: .whoelsesince(seconds: seconds), awaited: true)
        case .block(let user):
            // A private session with them ends here, with a word to the peer, so nothing the peer does while
            // the server stores the block can report it first and out of order.
            let endedSession = await endPeer(user, saying: .blocked)
            await send(.block(user: user), as: .block(user: user, endedSession: endedSession), awaited: true)
        case .unblock(let user):
            await send(.unblock(user: user), as: .unblock(user: user), awaited: true)
        case .blocked:
            await send(.blocked, as: .blocked, awaited: true)
        case .changePassword:
            passwordDialogue = PasswordDialogue()
            await sendActivity()
        case .startPrivate(let user):
            switch peerPort {
            case .success(let port):
                let key = keyring.offer(to: user)
                await send(
                    .startPrivate(user: user, port: configuration.advertisedPeerPort ?? port, key: key.publicKeyBase64),
                    as: .startPrivate(user: user), awaited: true)
            case .failure(let failure):
                await show(Texts.privateUnavailable(failure.reason))
                await sendActivity()
            }
        case .privateText(let to, let text):
            if await !sendPrivate(.text(text), to: to) {
                await show(ErrorCode.privateNotEnabled.text(subject: to))
            }
            await sendActivity()
        case .privateKey(let user):
            await showFingerprint(of: user)
            await sendActivity()
        case .stopPrivate(let user):
            await send(.stopPrivate(user: user), as: .stopPrivate(user: user), awaited: true)
        case .answer(let user, let accept):
            consent.remove(user)
            await answer(user, accept: accept)
        case .answerOldest(let accept):
            guard let user = consent.takeOldest() else {
                await show(Texts.noPendingConsent)
                return await sendActivity()
            }
            await answer(user, accept: accept)
        case .help:
            await show(HelpText.lines)
            await sendActivity()
        case .logout:
            await logout()
        }
    }

    /// An answer to one of the `password` command's questions.
    func passwordAnswerTyped(_ answer: String) async {
        guard var dialogue = passwordDialogue else { return }
        switch dialogue.typed(answer) {
        case .ask(let problem):
            passwordDialogue = dialogue
            if let problem { await show(problem) }
            await sendActivity()
        case .cancelled:
            passwordDialogue = nil
            await show(Texts.passwordUnchanged)
            await sendActivity()
        case .done(let current, let new):
            passwordDialogue = nil
            await send(.changePassword(current: current, new: new), as: .changePassword, awaited: true)
        }
    }

    /// Answers `user`'s consent request; accepting sends a fresh key of ours for the session.
    private func answer(_ user: String, accept: Bool) async {
        let key = accept ? keyring.offer(to: user).publicKeyBase64 : nil
        await send(
            .answerPrivate(user: user, accept: accept, key: key), as: .answerPrivate(user: user, accept: accept),
            awaited: true)
    }

    /// Ends direct sessions with a word to each peer, then asks the server to log us out.
    func logout() async {
        await closeAllPeers(saying: .logout)
        phase = .leaving
        await send(.logout, as: .logout, awaited: true)
    }

    func handle(_ reply: Reply, to request: PendingRequest) async {
        switch request {
        case .hello:
            await greeted(reply)
        case .login(let username, let password), .register(let username, let password):
            await loginAnswered(reply, username: username, password: password)
        case .resume(let username):
            await resumeAnswered(reply, username: username)
        case .onlineAfterReconnecting:
            await onlineAfterReconnecting(reply)
        case .logout:
            await show(Texts.goodbye)
            exit = .loggedOut
        case .startPrivate(let user):
            keyring.answered(user, accepted: reply.ok)
            if reply.ok { outgoingRequests.insert(user) }
            await show(ReplyRendering.lines(for: request, reply: reply))
        case .answerPrivate(let user, let accept):
            keyring.answered(user, accepted: reply.ok && accept)
            await show(ReplyRendering.lines(for: request, reply: reply))
        case .block(let user, let endedSession):
            await show(ReplyRendering.lines(for: request, reply: reply))
            if endedSession { await show(Texts.privateEnded(user)) }
        case .changePassword:
            await show(ReplyRendering.lines(for: request, reply: reply))
        case .stopPrivate(let user):
            let hadSession = await endPeer(user, saying: .stopped)
            let hadRequest = outgoingRequests.remove(user) != nil
            if hadSession {
                await show(Texts.privateEnded(user))
            } else if reply.ok {
                keyring.forget(user)
                // No session: the server withdrew the request we had made.
                await show(hadRequest ? Texts.ownRequestClosed(user) : Texts.privateEnded(user))
            } else {
                await show(ReplyRendering.lines(for: request, reply: reply))
            }
        default:
            await show(ReplyRendering.lines(for: request, reply: reply))
        }
    }
}
