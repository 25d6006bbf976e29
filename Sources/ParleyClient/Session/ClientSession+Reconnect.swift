import ParleyProtocol

/// Picking a session up again after the server went away (restarted, or the network failed), on a
/// terminal (`ClientConfiguration.reconnection`): the client says so, waits, connects and resumes the session
/// with the token its last login gave (`resume`; the password is not kept), and waits longer after each failure
/// until it is back or gives up. If the server refuses the token (expired, or the password was reset), the user
/// is asked for the password as at a first login. Lines entered meanwhile are kept and entered again once it
/// is back; Ctrl-C, Ctrl-D or `logout` quit.
extension ClientSession {
    /// The attempts to reconnect after one loss.
    struct ReconnectAttempts: Sendable {
        let lostAt: ContinuousClock.Instant
        var attempt = 0
    }

    /// Whether a loss of the connection now would be followed by reconnecting (on a terminal, once logged in),
    /// so the client goes on and must say what the loss ended.
    var goesOnAfterALoss: Bool { configuration.reconnection != nil && resumption != nil }

    /// `result` if the run that gave it cannot be picked up again; otherwise what the run ends with after
    /// reconnecting (perhaps more than once).
    func reconnectWhileRecoverable(
        after result: ClientExit, inputs: inout AsyncStream<SessionInput>.Iterator
    ) async -> ClientExit {
        guard let policy = configuration.reconnection else { return result }
        var result = result
        while lossIsRecoverable, resumption != nil {
            if reconnecting == nil {
                reconnecting = ReconnectAttempts(lostAt: .now)
                reconnectFailure = Texts.connectionLost
                await show(Texts.reconnecting(endpoint))
            }
            guard var attempts = reconnecting else { break }
            if ContinuousClock.now - attempts.lostAt >= policy.giveUpAfter {
                await show(Texts.couldNotReconnect(endpoint, reason: reconnectFailure))
                return .connectionLost
            }
            attempts.attempt += 1
            reconnecting = attempts
            guard await waitToReconnect(policy.jitteredDelay(beforeAttempt: attempts.attempt), inputs: &inputs) else {
                return .loggedOut
            }
            switch await connectToServer(answersFrom: &inputs) {
            case .connected(let channel):
                result = await serve(channel, inputs: &inputs)
            case .ended(.cannotConnect(let reason)):
                reconnectFailure = reason  // and the loss is still one to recover from: try again
            case .ended(let exit):
                return exit  // The server's certificate changed, say: not something to try again.
            }
        }
        return result
    }

    /// Waits `delay` before the next attempt, keeping lines entered meanwhile; false if the user quit.
    private func waitToReconnect(_ delay: Duration, inputs: inout AsyncStream<SessionInput>.Iterator) async -> Bool {
        guard let sink = inputSink else { return false }
        let timer = Task {
            guard (try? await Task.sleep(for: delay)) != nil else { return }  // cancelled: the wait is over
            sink.yield(.reconnectDue)
        }
        defer { timer.cancel() }
        while let input = await inputs.next(isolation: #isolation) {
            switch input {
            case .reconnectDue:
                return true
            case .console(let typed):
                lineRequested = false
                await typedWhileReconnecting(typed)
                if exit == .loggedOut { return false }
                // The prompt comes back for the next line, which is kept the same way (without it, what the
                // user typed next was neither shown nor read until the client had reconnected).
                await console.requestCommand(prompt: configuration.commandPrompt, users: knownUsers)
                lineRequested = true
            case .server, .serverClosed, .peer, .keepAlive:
                continue  // What a closed connection or its peers still report.
            }
        }
        return false
    }

    /// A line entered while not logged in again yet is kept for then; the end of input, or `logout`, quits.
    func typedWhileReconnecting(_ typed: ConsoleInput) async {
        let line: String
        switch typed {
        case .line(let typedLine): line = typedLine.trimmingCharacters(in: .whitespaces)
        case .end: line = "logout"
        }
        guard line != "logout" else {
            lossIsRecoverable = false
            exit = .loggedOut
            return await show(Texts.goodbye)
        }
        guard !line.isEmpty, case .line(let typedLine) = typed else { return }
        heldLines.append(typedLine)
        await show(Texts.heldUntilReconnected)
    }

    /// Logged in again, by reconnecting or by the user answering as at a first login: the lines kept meanwhile
    /// are entered as if typed now.
    func enterHeldLines() {
        let lines = heldLines
        heldLines = []
        for line in lines { inputSink?.yield(.console(.line(line))) }
    }

    /// This attempt to reconnect failed in a way worth another: its connection closes and the next attempt
    /// waits its turn.
    func reconnectAttemptFailed(_ reason: String) {
        reconnectFailure = reason
        lossIsRecoverable = true
        exit = .connectionLost
    }

    /// Whether a resume refused with `code` is worth another attempt later: the server is busy, or counts
    /// too many attempts from this address for now.
    static func isWorthRetrying(_ code: ErrorCode) -> Bool {
        [.alreadyLoggedIn, .tooManyLoginAttempts, .busy].contains(code)
    }

    /// Everything that lives only as long as the connection, ended when it is lost or the server shuts down:
    /// private sessions and requests (`sayingToPeers` is the word to direct peers), a command still awaiting
    /// its reply, `password` questions under way. A client that goes on to reconnect tells the user of each.
    func closeWhatTheLossEnded(sayingToPeers reason: PrivateEndReason?) async {
        await endPrivateMessagingWithTheConnection(saying: reason)
        await noteUnansweredCommand()
        await abandonPasswordDialogue()
    }

    /// Private sessions, and requests for them not answered yet, end with the connection to the server, which
    /// tells each peer that the user left. A client that goes on to reconnect says which ended, unless the
    /// server told it first; one that ends here need not.
    private func endPrivateMessagingWithTheConnection(saying reason: PrivateEndReason?) async {
        for peer in peers.keys.sorted() {
            let ended = await endPeer(peer, saying: reason)
            if ended, goesOnAfterALoss { await show(Texts.privateEnded(peer)) }
        }
        guard goesOnAfterALoss else { return }
        for user in outgoingRequests.sorted() { await show(Texts.ownRequestClosed(user)) }
        for user in consent.requesters { await show(Texts.consentRequestClosed(user)) }
        outgoingRequests = []
        consent = ConsentQueue()
    }

    /// The `password` questions cannot be finished on another connection: given up, and the prompt that asked
    /// one, hidden, becomes the command prompt again, so nothing typed next is taken for a password.
    private func abandonPasswordDialogue() async {
        guard goesOnAfterALoss, passwordDialogue != nil else { return }
        passwordDialogue = nil
        await show(Texts.passwordUnchanged)
        if lineRequested { await console.requestCommand(prompt: configuration.commandPrompt, users: knownUsers) }
    }

    /// Before the user is told the connection is gone: a command whose reply never came may or may not have
    /// been carried out, and the client that reconnects must not let that pass in silence.
    private func noteUnansweredCommand() async {
        guard goesOnAfterALoss, let id = awaitedReply, let request = pending[id] else { return }
        switch request {
        case .hello, .login, .resume, .register, .background, .onlineAfterReconnecting, .logout: return
        default: await show(Texts.unansweredAtLoss)
        }
    }
}
