import ParleyProtocol

/// The login dialogue of SPEC section 2: username, password, confirmation for a new user, and every answer
/// the server can give.
extension ClientSession {
    func usernameTyped(_ username: String) async {
        guard CredentialRules.isValidUsername(username) else {
            return await show(ErrorCode.invalidUsername.text())
        }
        phase = .askingPassword(username: username)
    }

    func passwordTyped(_ password: String, username: String) async {
        guard CredentialRules.isValidPassword(password) else {
            return await show(ErrorCode.invalidPassword.text())
        }
        phase = .loggingIn
        await send(
            .login(username: username, password: password), as: .login(username: username, password: password),
            awaited: true)
    }

    func confirmationTyped(_ confirmation: String, username: String, password: String) async {
        phase = .loggingIn
        await send(
            .register(username: username, password: password, confirmation: confirmation),
            as: .register(username: username, password: password), awaited: true)
    }

    func greeted(_ reply: Reply) async {
        guard reply.ok else {
            await show(reply.error?.message ?? ErrorCode.unsupportedVersion.text())
            exit = .refused
            return
        }
        if reconnecting != nil, let resumption {
            // Picking a lost session up again, without asking.
            phase = .loggingIn
            return await send(
                .resume(username: resumption.username, token: resumption.token),
                as: .resume(username: resumption.username), awaited: true)
        }
        phase = .askingUsername
    }

    /// The answer to `login` or `register`.
    func loginAnswered(_ reply: Reply, username: String, password: String) async {
        if reply.ok { return await loggedIn(reply, username: username) }
        let error = reply.error ?? ErrorBody(.malformedRequest)
        switch error.code {
        case .newUser:
            phase = .askingConfirmation(username: username, password: password, prompt: error.message)
        case .wrongPassword, .passwordMismatch, .invalidPassword:
            await show(error.message)
            phase = .askingPassword(username: username)
        case .invalidUsername, .usernameTaken:
            await show(error.message)
            phase = .askingUsername
        default:
            // Locked, already logged in, unknown user without registration, or anything unexpected.
            await show(error.message)
            exit = .refused
        }
    }

    /// The answer to `resume`, after a reconnection.
    func resumeAnswered(_ reply: Reply, username: String) async {
        if reply.ok { return await loggedIn(reply, username: username) }
        let error = reply.error ?? ErrorBody(.malformedRequest)
        if Self.isWorthRetrying(error.code) { return reconnectAttemptFailed(error.message) }
        // The token expired, or the password was reset meanwhile: from here on the user answers, as at first,
        // and the lines kept meanwhile wait for that login.
        reconnecting = nil
        resumption = nil
        await show(error.message)
        phase = .askingPassword(username: username)
        // The command prompt still waiting since before the loss becomes the hidden password prompt, so the
        // password typed next is neither shown nor kept in the history.
        if lineRequested { await console.requestLine(prompt: Texts.passwordPrompt, secret: true) }
    }

    /// Logged in (or back in): the welcome, or the word that the client reconnected, and what waited.
    private func loggedIn(_ reply: Reply, username: String) async {
        let name = reply.username ?? username
        phase = .chatting(username: name)
        if configuration.reconnection != nil { resumption = reply.resume.map { (name, $0) } }
        waitingMessages.announced(reply.waiting ?? 0)
        if reconnecting != nil {
            reconnecting = nil
            await show(Texts.reconnected(endpoint))
            // Who came back before this client did, or left while it was away, was not told to it.
            return await send(.whoelse, as: .onlineAfterReconnecting)
        }
        await show(Texts.welcome)
        enterHeldLines()
        // Who is online already, so that Tab can complete their names (the reply is not shown); a script
        // completes nothing and need not ask.
        if console.completesNames { await send(.whoelse, as: .background) }
    }

    /// Who is online after a reconnection: the users last shown logging out who are back are shown logging
    /// in, and those last shown logging in who are gone are shown logging out, as if their presence events
    /// had come; then the lines kept while the client was away are entered.
    func onlineAfterReconnecting(_ reply: Reply) async {
        if reply.ok, let online = reply.users.map(Set.init) {
            for (user, wasShownOnline) in shownPresence.sorted(by: { $0.key < $1.key })
            where online.contains(user) != wasShownOnline {
                await showPresence(of: user, online: !wasShownOnline)
            }
        }
        enterHeldLines()
    }

    func showPresence(of user: String, online: Bool) async {
        shownPresence[user] = online
        await show(MessageRendering.presence(user: user, online: online))
    }
}
