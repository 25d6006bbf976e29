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
            await send(.block(user: user), as: .block(user: user), awaited: true)
        case .unblock(let user):
            await send(.unblock(user: user), as: .unblock(user: user), awaited: true)
        case .startPrivate(let user):
            switch peerPort {
            case .success(let port):
                await send(.startPrivate(user: user, port: port), as: .startPrivate(user: user), awaited: true)
            case .failure(let failure):
                await show(Texts.privateUnavailable(failure.reason))
                await sendActivity()
            }
        case .privateText(let to, let text):
            if case .active(let link)? = peers[to] {
                link.send(text)
            } else {
                await show(ErrorCode.privateNotEnabled.text(subject: to))
            }
            await sendActivity()
        case .stopPrivate(let user):
            await send(.stopPrivate(user: user), as: .stopPrivate(user: user), awaited: true)
        case .answer(let user, let accept):
            consent.remove(user)
            await send(
                .answerPrivate(user: user, accept: accept), as: .answerPrivate(user: user, accept: accept),
                awaited: true)
        case .answerOldest(let accept):
            guard let user = consent.takeOldest() else {
                await show(Texts.noPendingConsent)
                return await sendActivity()
            }
            await send(
                .answerPrivate(user: user, accept: accept), as: .answerPrivate(user: user, accept: accept),
                awaited: true)
        case .help:
            await show(HelpText.lines)
            await sendActivity()
        case .logout:
            await logout()
        }
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
        case .logout:
            await show(Texts.goodbye)
            exit = .loggedOut
        case .startPrivate(let user):
            if reply.ok { outgoingRequests.insert(user) }
            await show(ReplyRendering.lines(for: request, reply: reply))
        case .stopPrivate(let user):
            let hadSession = await endPeer(user, saying: .stopped)
            if hadSession || reply.ok {
                await show(Texts.privateEnded(user))
            } else {
                await show(ReplyRendering.lines(for: request, reply: reply))
            }
        default:
            await show(ReplyRendering.lines(for: request, reply: reply))
        }
    }
}
