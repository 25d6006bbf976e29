import NIOCore
import NIOPosix
import NIOSSL

/// The clients of one bench process and everything they count, confined to one event loop like the servers
/// under test, so the hot path has no locks: a delivery is parsed, timed and answered in the same tick, and
/// each connection written to is flushed once per tick.
///
/// `@unchecked Sendable` because all mutable state is touched only on `loop`; async callers go through
/// `onLoop`.
final class Swarm: @unchecked Sendable {
    let loop: any EventLoop
    let host: String
    let port: Int
    let wire: any ChatWire
    let password: [UInt8]
    let textLength: Int
    /// Set when the clients connect over TLS: one context for all of them.
    let tls: NIOSSLContext?
    /// Local clients; `clients[i].index == firstIndex + i`.
    private(set) var clients: [BenchClient] = []
    let firstIndex: Int

    // Counters, all since the swarm started unless named `window`.
    private(set) var sent = 0
    private(set) var delivered = 0
    private(set) var acknowledged = 0
    private(set) var storedAcknowledged = 0
    private(set) var failures = 0
    /// Logins made with a resume token rather than the password.
    private(set) var resumesSent = 0
    private(set) var lastFailure: String?
    private(set) var lastDeliveryAt: UInt64 = 0
    /// While true, deliveries are timed into `histogram` and counted in `windowDelivered`.
    var recording = false
    private(set) var windowDelivered = 0
    private(set) var windowSent = 0
    var histogram = LatencyHistogram()
    /// Called for every delivery with the local sender, when the sender is one of ours (window mode refills).
    var onDelivery: ((BenchClient) -> Void)?
    /// Whether logins ask for a resume token (Parley's `resumable`), for `resumeAll`.
    var resumable = false
    /// Called for every acknowledged message request.
    var onAcknowledged: ((BenchClient, Bool) -> Void)?

    private var dirty: [BenchClient] = []
    private var flushScheduled = false

    init(
        loop: any EventLoop, host: String, port: Int, wire: WireKind, namePrefix: String, firstIndex: Int,
        count: Int, password: String, textLength: Int, tls: Bool = false
    ) throws {
        self.loop = loop
        self.host = host
        self.port = port
        self.wire = wire.driver
        self.password = Array(password.utf8)
        self.textLength = textLength
        self.firstIndex = firstIndex
        self.tls = tls ? try Self.tlsContext() : nil
        clients = (firstIndex..<(firstIndex + count)).map {
            BenchClient(index: $0, name: Array("\(namePrefix)\($0)".utf8))
        }
    }

    /// Runs `body` on the swarm's loop and returns its result.
    func onLoop<T: Sendable>(_ body: @escaping @Sendable (Swarm) throws -> T) async throws -> T {
        try await loop.submit { try body(self) }.get()
    }

    func local(_ globalIndex: Int) -> BenchClient? {
        let position = globalIndex - firstIndex
        return clients.indices.contains(position) ? clients[position] : nil
    }

    // MARK: Connecting

    /// TLS as Parley's own client speaks it, minus the check of the server's certificate (parleyd makes a
    /// self-signed one; the client pins it on first contact, which a load generator has no use for).
    private static func tlsContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        return try NIOSSLContext(configuration: configuration)
    }

    /// Connects `client` and logs it in (registering it on Parley if the name is new), or resumes its session
    /// with the token its last login gave (Parley, when the swarm is `resumable`).
    func connectAndLogin(_ client: BenchClient) -> EventLoopFuture<Void> {
        loop.assertInEventLoop()
        let promise = loop.makePromise(of: Void.self)
        client.loggedIn = promise
        client.closed = loop.makePromise(of: Void.self)
        ClientBootstrap(group: loop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let tls { try pipeline.addHandler(NIOSSLClientHandler(context: tls, serverHostname: nil)) }
                    try pipeline.addHandler(BenchLineHandler(client: client, swarm: self))
                }
            }
            .connect(host: host, port: port)
            .whenComplete { [self] result in
                switch result {
                case .success(let channel):
                    client.channel = channel
                    write(to: client) { buffer in
                        if let token = client.resumeToken,
                            wire.writeResume(name: client.name, token: token, into: &buffer)
                        {
                            client.resumeToken = nil  // used up; the reply brings the next
                            resumesSent += 1
                        } else {
                            wire.writeLogin(name: client.name, password: password, resumable: resumable, into: &buffer)
                        }
                    }
                case .failure(let error):
                    client.loggedIn = nil
                    client.closed?.succeed()
                    promise.fail(error)
                }
            }
        return promise.futureResult
    }

    /// Joins the broadcast channel where the protocol has one.
    func join(_ client: BenchClient) -> EventLoopFuture<Void> {
        loop.assertInEventLoop()
        let promise = loop.makePromise(of: Void.self)
        var needsJoin = false
        write(to: client) { buffer in needsJoin = wire.writeJoin(into: &buffer) }
        guard needsJoin else {
            promise.succeed()
            return promise.futureResult
        }
        client.joined = promise
        return promise.futureResult
    }

    /// Logs out and waits for the connection to close.
    func logout(_ client: BenchClient) -> EventLoopFuture<Void> {
        loop.assertInEventLoop()
        guard let closed = client.closed, client.channel != nil else { return loop.makeSucceededVoidFuture() }
        write(to: client) { buffer in wire.writeLogout(into: &buffer) }
        let channel = client.channel
        // A server that does not close within a few seconds is closed on.
        let deadline = loop.scheduleTask(in: .seconds(5)) { channel?.close(promise: nil) }
        closed.futureResult.whenComplete { _ in deadline.cancel() }
        return closed.futureResult
    }

    // MARK: Sending

    /// A direct message from `sender` to `recipient`, stamped with the time now.
    func sendDirect(from sender: BenchClient, to recipient: BenchClient) {
        let now = MonotonicClock.now()
        write(to: sender) { buffer in
            wire.writeDirectPrefix(to: recipient.name, into: &buffer)
            MessageStamp.write(sender: sender.index, sentAt: now, length: textLength, into: &buffer)
            wire.writeMessageSuffix(into: &buffer)
        }
        countSent(sender)
    }

    /// A message from `sender` to everyone (Parley `broadcast`, IRC PRIVMSG to the channel).
    func sendBroadcast(from sender: BenchClient) {
        let now = MonotonicClock.now()
        write(to: sender) { buffer in
            wire.writeBroadcastPrefix(into: &buffer)
            MessageStamp.write(sender: sender.index, sentAt: now, length: textLength, into: &buffer)
            wire.writeMessageSuffix(into: &buffer)
        }
        countSent(sender)
    }

    private func countSent(_ sender: BenchClient) {
        sent += 1
        sender.inFlight += 1
        if recording { windowSent += 1 }
    }

    private func write(to client: BenchClient, _ body: (inout ByteBuffer) -> Void) {
        guard let channel = client.channel else { return }
        var buffer = channel.allocator.buffer(capacity: 64 + textLength)
        body(&buffer)
        guard buffer.readableBytes > 0 else { return }
        channel.write(buffer, promise: nil)
        guard !client.dirty else { return }
        client.dirty = true
        dirty.append(client)
        guard !flushScheduled else { return }
        flushScheduled = true
        loop.execute { [self] in
            flushScheduled = false
            flushWritten()
        }
    }

    /// Runs `body` and flushes what it wrote when it returns, without queueing the end-of-tick flush task
    /// that would then find nothing to flush (the pacer sends this way every tick).
    func writingTogether(_ body: () -> Void) {
        let flushWasScheduled = flushScheduled
        flushScheduled = true
        body()
        flushScheduled = flushWasScheduled
        flushWritten()
    }

    /// Flushes every channel written to since the last flush (otherwise done at the end of the tick).
    private func flushWritten() {
        let pending = dirty
        dirty = []
        for client in pending {
            client.dirty = false
            client.channel?.flush()
        }
    }

    // MARK: Receiving

    func received(_ line: UnsafeRawBufferPointer, from client: BenchClient) {
        switch wire.interpret(line) {
        case .delivery(let sender, let sentAt):
            let now = MonotonicClock.now()
            delivered += 1
            lastDeliveryAt = now
            if recording {
                windowDelivered += 1
                histogram.record(nanoseconds: now &- sentAt)
            }
            if let origin = local(sender) {
                origin.inFlight -= 1
                onDelivery?(origin)
            }
        case .loggedIn(let token):
            if resumable { client.resumeToken = token }
            client.loggedIn?.succeed()
            client.loggedIn = nil
        case .needsRegistration:
            write(to: client) { buffer in wire.writeRegistration(name: client.name, password: password, into: &buffer) }
        case .joined:
            client.joined?.succeed()
            client.joined = nil
        case .acknowledged(let stored):
            acknowledged += 1
            if stored { storedAcknowledged += 1 }
            onAcknowledged?(client, stored)
        case .answer(let bytes):
            write(to: client) { buffer in buffer.writeImmutableBuffer(bytes) }
        case .failure(let text):
            let failure = BenchError.serverRefused(String(decoding: client.name, as: UTF8.self), text)
            if let pending = client.loggedIn {
                client.loggedIn = nil
                pending.fail(failure)
            } else if let pending = client.joined {
                client.joined = nil
                pending.fail(failure)
            } else {
                failures += 1
                lastFailure = text
            }
        case .ignored:
            break
        }
    }

    func disconnected(_ client: BenchClient) {
        client.channel = nil
        let lost = BenchError.disconnected(String(decoding: client.name, as: UTF8.self))
        client.loggedIn?.fail(lost)
        client.loggedIn = nil
        client.joined?.fail(lost)
        client.joined = nil
        client.closed?.succeed()
    }

    /// Starts or stops the measured window.
    func setRecording(_ on: Bool) {
        recording = on
    }
}

/// Why a bench run could not go on.
public enum BenchError: Error, CustomStringConvertible {
    case serverRefused(String, String)
    case disconnected(String)
    case unsupported(String)
    case worker(String)

    public var description: String {
        switch self {
        case .serverRefused(let client, let line): "server refused \(client): \(line)"
        case .disconnected(let client): "\(client) was disconnected"
        case .unsupported(let what): what
        case .worker(let what): "bench worker failed: \(what)"
        }
    }
}
