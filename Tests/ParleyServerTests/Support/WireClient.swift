import Foundation
import NIOCore
import NIOPosix
import ParleyProtocol
import ParleyTLS

/// A raw protocol client for tests: sends JSON lines, reads replies by id and events in order.
/// Every wait is bounded; nothing sleeps to wait for the server.
actor WireClient {
    enum Failure: Error, CustomStringConvertible {
        case timedOut(String)
        case closed
        case unexpected(String)
        var description: String {
            switch self {
            case .timedOut(let what): "timed out waiting for \(what)"
            case .closed: "connection closed"
            case .unexpected(let what): "unexpected: \(what)"
            }
        }
    }

    static let defaultWait: Double = 10

    private let channel: any Channel
    private var incoming: AsyncStream<Incoming>.Iterator
    private let continuation: AsyncStream<Incoming>.Continuation
    private var events: [ServerEvent] = []
    private var replies: [Reply] = []
    /// Every frame read so far, replies and events together, in the order they arrived.
    private(set) var arrived: [ServerFrame] = []
    private var nextID = 0
    private var nextTick: UInt64 = 0
    private var isClosed = false
    private let codec = WireCodec()

    enum Incoming: Sendable {
        case line(String)
        case tick(UInt64)
        case closed
    }

    /// Connects to `host:port`, from `source` (another loopback address such as 127.0.0.2) when given, with a
    /// kernel receive buffer of `receiveBuffer` bytes when given (so that a client that stops reading fills
    /// the server's socket soon).
    static func connect(
        port: Int, host: String = "127.0.0.1", from source: String? = nil, tls: ServerTrust? = nil,
        receiveBuffer: Int? = nil
    ) async throws -> WireClient {
        let (stream, continuation) = AsyncStream.makeStream(of: Incoming.self)
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        if let source { bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: source, port: 0)) }
        if let receiveBuffer { bootstrap = bootstrap.channelOption(.socketOption(.so_rcvbuf), value: receiveBuffer) }
        let channel =
            try await bootstrap
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(try ClientTLS.handler(host: host, trust: tls))
                    }
                    try channel.pipeline.syncOperations.addHandler(LineCollector(continuation: continuation))
                }
            }
            .connect(host: host, port: port).get()
        return WireClient(channel: channel, stream: stream, continuation: continuation)
    }

    private init(channel: any Channel, stream: AsyncStream<Incoming>, continuation: AsyncStream<Incoming>.Continuation)
    {
        self.channel = channel
        self.incoming = stream.makeAsyncIterator()
        self.continuation = continuation
    }

    // MARK: Sending

    /// Sends raw bytes followed by a newline.
    func sendLine(_ line: String) async throws {
        try await sendRaw(Array(line.utf8) + [0x0A])
    }

    func sendRaw(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    /// Sends `command` with a fresh id and returns the reply with that id.
    @discardableResult
    func request(_ command: Command, within seconds: Double = defaultWait) async throws -> Reply {
        nextID += 1
        let id = RequestID.number(nextID)
        try await sendRaw(Array(codec.line(Request(id: id, command: command))))
        return try await reply(id: id, within: seconds)
    }

    /// Like `request`, but fails the test unless the reply is ok.
    @discardableResult
    func ok(_ command: Command, within seconds: Double = defaultWait) async throws -> Reply {
        let reply = try await request(command, within: seconds)
        guard reply.ok else { throw Failure.unexpected("error \(reply.error?.code.rawValue ?? "?") for \(command.op)") }
        return reply
    }

    func hello() async throws {
        try await ok(.hello(version: ProtocolLimits.version, client: "tests"))
    }

    /// Logs in as `name`, registering it first if it is new; `seconds` bounds each of the two replies.
    func loginOrRegister(_ name: String, password: String, within seconds: Double = defaultWait) async throws {
        let reply = try await request(.login(username: name, password: password), within: seconds)
        if reply.error?.code == .newUser {
            try await ok(.register(username: name, password: password, confirmation: password), within: seconds)
        } else if !reply.ok {
            throw Failure.unexpected("login of \(name) failed: \(reply.error?.code.rawValue ?? "?")")
        }
    }

    // MARK: Receiving

    /// The reply with `id`; events read meanwhile are kept for `nextEvent`.
    func reply(id: RequestID?, within seconds: Double = defaultWait) async throws -> Reply {
        while true {
            if let index = replies.firstIndex(where: { $0.id == id }) { return replies.remove(at: index) }
            try await readFrame(within: seconds, waitingFor: "reply \(String(describing: id))")
        }
    }

    /// The next event, in the order the server sent it.
    func nextEvent(within seconds: Double = defaultWait) async throws -> ServerEvent {
        while events.isEmpty {
            try await readFrame(within: seconds, waitingFor: "an event")
        }
        return events.removeFirst()
    }

    /// Reads events until one satisfies `match`, failing on timeout; earlier events are dropped.
    @discardableResult
    func waitForEvent(within seconds: Double = defaultWait, _ match: (ServerEvent) -> Bool) async throws -> ServerEvent
    {
        while true {
            let event = try await nextEvent(within: seconds)
            if match(event) { return event }
        }
    }

    /// Waits until the server closes the connection, returning events that arrived before.
    func waitForClose(within seconds: Double = defaultWait) async throws -> [ServerEvent] {
        while !isClosed {
            try await readFrame(within: seconds, waitingFor: "the connection to close")
        }
        defer { events = [] }
        return events
    }

    var closed: Bool { isClosed }

    /// Asserts nothing arrives for a short while (used only to check that something did NOT happen).
    func expectSilence(for seconds: Double = 0.3) async throws {
        do {
            try await readFrame(within: seconds, waitingFor: "silence")
        } catch Failure.timedOut {
            return
        }
        throw Failure.unexpected("expected nothing, got \(events) \(replies)")
    }

    /// Stops or resumes reading from the socket: while stopped, what the server sends piles up in the kernel
    /// and then in the server.
    func setReading(_ on: Bool) async throws {
        try await channel.setOption(.autoRead, value: on).get()
    }

    func close() async {
        try? await channel.close()  // already closed is fine
    }

    private func readFrame(within seconds: Double, waitingFor what: String) async throws {
        if isClosed { throw Failure.closed }
        nextTick += 1
        let tick = nextTick
        let continuation = self.continuation
        let timer = Task {
            try await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
            continuation.yield(.tick(tick))
        }
        defer { timer.cancel() }
        while true {
            var iterator = incoming  // a stream iterator is a handle; copying it keeps the same position
            let next = await iterator.next(isolation: self)
            incoming = iterator
            guard let item = next else { throw Failure.closed }
            switch item {
            case .tick(let fired) where fired == tick:
                throw Failure.timedOut(what)
            case .tick:
                continue
            case .closed:
                isClosed = true
                return
            case .line(let line):
                let frame = try codec.decodeServerFrame(Array(line.utf8))
                arrived.append(frame)
                switch frame {
                case .reply(let reply): replies.append(reply)
                case .event(let event): events.append(event)
                }
                return
            }
        }
    }
}

/// Splits inbound bytes into lines and hands them to the client's stream.
private final class LineCollector: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private let continuation: AsyncStream<WireClient.Incoming>.Continuation
    private var pending = ByteBuffer()

    init(continuation: AsyncStream<WireClient.Incoming>.Continuation) {
        self.continuation = continuation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        pending.writeBuffer(&buffer)
        while let newline = pending.readableBytesView.firstIndex(of: 0x0A) {
            let line = pending.readString(length: newline - pending.readerIndex)!
            pending.moveReaderIndex(forwardBy: 1)
            continuation.yield(.line(line))
        }
        pending.discardReadBytes()
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.yield(.closed)
        continuation.finish()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

extension ServerEvent {
    /// The grant, when this is `privateReady`.
    var grant: PrivateGrant? {
        if case .privateReady(let grant) = self { return grant }
        return nil
    }
}
