import Foundation
import NIOCore
import ParleyProtocol

/// One run of the client: connects, logs in, and then turns what the user types into requests and what
/// arrives (replies, events, private text) into lines on the console, until the user or the server ends it.
///
/// All inputs (console, server, peers, keep-alive tick) are merged into one stream and handled by one loop,
/// so output appears in the order things happened and state needs no locks. The next line is asked for
/// only when the previous command's reply has been shown, which keeps piped sessions deterministic.
public actor ClientSession {
    let configuration: ClientConfiguration
    let console: any ClientConsole
    let codec = WireCodec()
    let grants = GrantBook()

    var phase = SessionPhase.greeting
    var exit: ClientExit?
    /// Requests sent and not yet answered, by id.
    var pending: [Int: PendingRequest] = [:]
    private var lastID = 0
    /// The request whose reply must be shown before the user is asked for the next line.
    var awaitedReply: Int?
    var lineRequested = false
    /// The messages that waited for the user: the prompt waits for them, and the server is told once shown.
    var waitingMessages = WaitingMessages()
    /// Keep-alive ticks since the server last said anything.
    private var ticksSinceHeard = 0
    var consent = ConsentQueue()
    /// Other users heard of in this session, for completing names.
    nonisolated let knownUsers = KnownUsers()
    /// Whether each user was last shown logging in or out, to set that right after a reconnection.
    var shownPresence: [String: Bool] = [:]
    /// The `password` command's questions while they are being answered; lines typed go to it, hidden.
    var passwordDialogue: PasswordDialogue?
    /// Users we asked for a private session who have not answered yet.
    var outgoingRequests: Set<String> = []
    var peers: [String: PeerState] = [:]
    /// Links closed by this side whose last frames may still be on their way, by token.
    var closingLinks: [String: PeerLink] = [:]
    /// Our port for direct sessions, or why there is none.
    var peerPort: Result<Int, PeerListenFailure> = .failure(PeerListenFailure(reason: "not started"))

    /// The name and resume token of the last login or resume, to pick the session up again after a lost
    /// connection (`resume`); `nil` until logged in, and in a client that does not reconnect. The password is
    /// not kept.
    var resumption: (username: String, token: String)?
    /// The connection in use, counted from 1.
    private(set) var connectionNumber = 0
    /// Whether the connection that ended may be picked up again: lost, or the server shut down (not a logout,
    /// an inactivity logout or a flood cut-off).
    var lossIsRecoverable = false
    /// Set from the loss of a logged-in session until it is logged in again.
    var reconnecting: ReconnectAttempts?
    /// Why the last attempt to reconnect failed, for when the client gives up.
    var reconnectFailure = Texts.connectionLost
    /// Lines entered while reconnecting, entered again once logged in.
    var heldLines: [String] = []

    /// Our ephemeral keys for private sessions being agreed.
    var keyring = PrivateKeyring()
    /// Where deadlines the session sets for itself report back, into the same ordered stream as everything else.
    var inputSink: AsyncStream<SessionInput>.Continuation?

    private var writer: NIOAsyncChannelOutboundWriter<ByteBuffer>?
    private var assignments: AsyncStream<PeerAssignment>.Continuation?

    struct PeerListenFailure: Error, Sendable {
        let reason: String
    }

    /// The port peers of private sessions connect to, once `run` has opened it.
    public var privateListenPort: Int? { try? peerPort.get() }

    public init(configuration: ClientConfiguration, console: any ClientConsole) {
        self.configuration = configuration
        self.console = console
    }

    /// Runs the client until it ends; the result carries the exit status.
    public func run() async -> ClientExit {
        let (inputStream, sink) = AsyncStream.makeStream(of: SessionInput.self)
        inputSink = sink
        var inputs = inputStream.makeAsyncIterator()
        await console.start { sink.yield(.console($0)) }
        var result: ClientExit
        switch await connectToServer(answersFrom: &inputs) {
        case .connected(let channel): result = await serve(channel, inputs: &inputs)
        case .ended(let exit): result = exit
        }
        result = await reconnectWhileRecoverable(after: result, inputs: &inputs)
        await console.stop()
        return result
    }

    /// One connection to the server, from `hello` until it ends; what the session knew of the connection
    /// before (requests in flight, private sessions, consent requests) starts afresh.
    func serve(_ server: LineChannel, inputs: inout AsyncStream<SessionInput>.Iterator) async -> ClientExit {
        guard let sink = inputSink else { return .connectionLost }
        startConnection()
        let connection = connectionNumber
        let listener = await openPeerListener()
        let (assignmentStream, assignments) = AsyncStream.makeStream(of: PeerAssignment.self)
        self.assignments = assignments
        let peerEndpoint = PeerEndpoint(
            grants: grants, handshakeTimeout: configuration.peerHandshakeTimeout,
            directTimeout: configuration.privateDirectTimeout, report: { sink.yield(.peer($0)) })
        let ticks = configuration.keepAliveTicks(configuration.keepAliveInterval)

        let result: ClientExit
        do {
            result = try await server.executeThenClose { inbound, outbound in
                self.writer = outbound
                return await withTaskGroup(of: Void.self, returning: ClientExit.self) { group in
                    group.addTask { await Self.receive(inbound, into: sink, connection: connection) }
                    group.addTask { await Self.tick(ticks, into: sink) }
                    group.addTask { await peerEndpoint.connectAll(assignmentStream) }
                    if let listener { group.addTask { await peerEndpoint.serve(listener) } }
                    let result = await self.loop(&inputs)
                    await self.closeAllPeers(saying: nil)
                    await self.waitForClosingLinks(upTo: .seconds(2))
                    assignments.finish()
                    group.cancelAll()
                    return result
                }
            }
        } catch {
            if exit == nil { lossIsRecoverable = true }
            result = exit ?? .connectionLost
        }
        writer = nil
        return result
    }

    /// Forgets what belonged to the previous connection, if any.
    private func startConnection() {
        connectionNumber += 1
        phase = .greeting
        exit = nil
        lossIsRecoverable = false
        pending = [:]
        awaitedReply = nil
        waitingMessages = WaitingMessages()
        ticksSinceHeard = 0
        consent = ConsentQueue()
        passwordDialogue = nil
        outgoingRequests = []
        peers = [:]
        closingLinks = [:]
        keyring = PrivateKeyring()
    }

    private func openPeerListener() async -> NIOAsyncChannel<LineChannel, Never>? {
        do {
            let listener = try await LineTransport.listen(host: configuration.peerListenHost, port: 0)
            guard let port = listener.channel.localAddress?.port else {
                peerPort = .failure(PeerListenFailure(reason: "no local port"))
                return listener
            }
            peerPort = .success(port)
            return listener
        } catch {
            peerPort = .failure(PeerListenFailure(reason: ConnectFailure.reason(error)))
            return nil
        }
    }

    private func loop(_ inputs: inout AsyncStream<SessionInput>.Iterator) async -> ClientExit {
        await send(
            .hello(
                version: ProtocolLimits.version, client: configuration.clientName, receipts: true,
                resumable: configuration.reconnection != nil), as: .hello, awaited: true)
        while let input = await inputs.next(isolation: #isolation) {
            switch input {
            case .console(let typed): await handle(typed)
            case .server(let frame, let connection):
                if connection == connectionNumber { await handle(frame) }
            case .serverClosed(let connection):
                if connection == connectionNumber { await serverClosed() }
            case .peer(let event): await handle(event)
            case .keepAlive: await keepAlive()
            case .reconnectDue: break
            }
            if let exit { return exit }
            await askForLineIfReady()
        }
        return exit ?? .connectionLost
    }

    private func handle(_ typed: ConsoleInput) async {
        lineRequested = false
        if reconnecting != nil { return await typedWhileReconnecting(typed) }
        switch (typed, phase) {
        case (.line(let line), .askingUsername): await usernameTyped(line)
        case (.line(let line), .askingPassword(let username)): await passwordTyped(line, username: username)
        case (.line(let line), .askingConfirmation(let username, let password, _)):
            await confirmationTyped(line, username: username, password: password)
        case (.line(let line), .chatting):
            if passwordDialogue != nil { await passwordAnswerTyped(line) } else { await commandTyped(line) }
        case (.line, _): break
        case (.end, .chatting): await logout()
        case (.end, .leaving): break
        case (.end, _): exit = .inputEnded
        }
    }

    private func handle(_ frame: ServerFrame) async {
        ticksSinceHeard = 0
        let isWaitingMessage = waitingMessages.arrived(frame)
        knownUsers.add(frame.namesOfOthers)
        switch frame {
        case .reply(let reply):
            if reply.id == nil, reply.error?.code == .tlsRequired {
                exit = .cannotConnect(reason: ConnectFailure.serverSpeaksTLS)  // and the server closes
                return
            }
            guard case .number(let id)? = reply.id, let request = pending.removeValue(forKey: id) else { return }
            if awaitedReply == id { awaitedReply = nil }
            await handle(reply, to: request)
        case .event(let event):
            await handle(event)
            if isWaitingMessage { waitingMessages.shownOne() }
        }
        if let count = waitingMessages.receiptDue() { await send(.received(count: count), as: .background) }
    }

    /// Pings the server while logged in. A server silent for longer than `serverSilenceLimit` (two pings
    /// unanswered and then some, at the usual interval) is taken to be gone, as after a lost connection: the
    /// network between may have failed without either side closing it, and the user would otherwise wait for
    /// replies that never come.
    ///
    /// The silence is counted in ticks, not read off a clock: a client that was not running (stopped with
    /// Ctrl-Z, a laptop asleep) misses the ticks of that time too, so it gives the server its pings' worth of
    /// time again when it runs, instead of blaming the server for its own absence.
    private func keepAlive() async {
        guard case .chatting = phase else { return }
        ticksSinceHeard += 1
        guard configuration.keepAliveInterval * ticksSinceHeard <= configuration.serverSilenceLimit else {
            return await serverClosed(saying: Texts.serverStoppedAnswering)
        }
        await send(.ping, as: .background)
    }

    /// The connection is gone: closed by the server or the network, or (`saying` why) given up on.
    private func serverClosed(saying reason: String = Texts.connectionLost) async {
        guard exit == nil else { return }
        // An attempt to reconnect had set up nothing on this connection yet: only the attempt failed.
        if reconnecting != nil { return reconnectAttemptFailed(reason) }
        exit = .connectionLost
        lossIsRecoverable = true
        await show(reason)
        await closeWhatTheLossEnded(sayingToPeers: nil)
    }

    private func askForLineIfReady() async {
        guard exit == nil, !lineRequested, awaitedReply == nil, waitingMessages.due == 0 else { return }
        switch phase {
        case .askingUsername: await console.requestLine(prompt: Texts.usernamePrompt, secret: false)
        case .askingPassword: await console.requestLine(prompt: Texts.passwordPrompt, secret: true)
        case .askingConfirmation(_, _, let prompt):
            await console.requestLine(prompt: DisplayText.safe(prompt), secret: true)  // the server's words
        case .chatting:
            if let passwordDialogue {
                await console.requestLine(prompt: passwordDialogue.prompt, secret: true)
            } else {
                await console.requestCommand(prompt: configuration.commandPrompt, users: knownUsers)
            }
        case .greeting, .loggingIn, .leaving: return
        }
        lineRequested = true
    }

    /// Sends a request. With `awaited`, the user is not asked for another line until its reply is handled.
    func send(_ command: Command, as request: PendingRequest, awaited: Bool = false) async {
        lastID += 1
        pending[lastID] = request
        if awaited { awaitedReply = lastID }
        do {
            try await writer?.write(ByteBuffer(bytes: codec.line(Request(id: .number(lastID), command: command))))
        } catch {
            // The connection is failing; the receiving side reports it as `serverClosed`, which ends the run.
        }
    }

    /// Tells the server the user did something it does not otherwise see, so the inactivity timer restarts.
    func sendActivity() async {
        await send(.activity, as: .background)
    }

    func show(_ lines: [String]) async {
        for line in lines { await show(line) }
    }

    /// Every line the user sees passes here, and much of it comes from the server (its error messages, the
    /// names it lists or announces): no control character reaches the terminal, whatever a server sends.
    func show(_ line: String) async {
        await console.show(DisplayText.safe(line))
    }

    func assign(_ assignment: PeerAssignment) {
        assignments?.yield(assignment)
    }

    private static func receive(
        _ inbound: NIOAsyncChannelInboundStream<ByteBuffer>, into sink: AsyncStream<SessionInput>.Continuation,
        connection: Int
    ) async {
        let codec = WireCodec()
        do {
            for try await line in inbound {
                // An event this client cannot read (say, from a newer server) is skipped; a reply it cannot read
                // still answers its request, as a failure.
                let bytes = Array(line.readableBytesView)
                if let frame = try? codec.decodeServerFrame(bytes) {
                    sink.yield(.server(frame, connection: connection))
                } else if let reply = codec.unreadableReply(bytes) {
                    sink.yield(.server(.reply(reply), connection: connection))
                }
            }
        } catch {
            // Reset, or a line over the limit: either way the connection is gone.
        }
        sink.yield(.serverClosed(connection: connection))
    }

    private static func tick(_ ticks: AsyncStream<Void>, into sink: AsyncStream<SessionInput>.Continuation) async {
        for await _ in ticks { sink.yield(.keepAlive) }
    }
}

extension ServerFrame {
    /// The other users a frame names: who-lists, presence, senders, private-session peers.
    var namesOfOthers: [String] {
        switch self {
        case .reply(let reply): reply.users ?? []
        case .event(.message(let message)): [message.from]
        case .event(.presence(let user, _)): [user]
        case .event(.privateRequest(let user)), .event(.privateExpired(let user)), .event(.privateDeclined(let user)),
            .event(.privateEnded(let user, _)), .event(.relay(let user, _)), .event(.privateRequestClosed(let user, _)):
            [user]
        case .event(.privateReady(let grant)): [grant.user]
        case .event(.loggedOut): []
        }
    }
}
