import Foundation
import NIOCore
import ParleyProtocol
import ParleyTesting

@testable import ParleyClient

/// A plain line connection a test drives by hand: lines go out with `send`, and arrive in order through
/// bounded waits. Used to play a peer (or a bare protocol client) that a `ClientSession` talks to.
final class LineConnection: Sendable {
    private let received = EventCollector<String?>()
    private let outgoing: AsyncStream<ByteBuffer>.Continuation
    private let running: Task<Void, Never>

    init(host: String = "127.0.0.1", port: Int) async throws {
        let channel = try await LineTransport.connect(host: host, port: port, timeout: .seconds(5))
        let (stream, outgoing) = AsyncStream.makeStream(of: ByteBuffer.self)
        self.outgoing = outgoing
        let received = received
        running = Task {
            try? await channel.executeThenClose { inbound, outbound in  // Any failure just ends the connection.
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await buffer in stream { try await outbound.write(buffer) }
                    }
                    group.addTask {
                        for try await line in inbound { received.report(String(buffer: line)) }
                    }
                    _ = try await group.next()
                    group.cancelAll()
                }
            }
            received.report(nil)
        }
    }

    /// Sends `line` and a newline.
    func send(_ line: String) {
        outgoing.yield(ByteBuffer(string: line + "\n"))
    }

    func send(_ frame: PeerFrame) {
        outgoing.yield(frame.buffer)
    }

    /// The next line, or `nil` once the other side has closed the connection.
    func nextLine(within seconds: Double = 10) async throws -> String? {
        try await received.next(within: seconds)
    }

    func nextFrame(within seconds: Double = 10) async throws -> PeerFrame {
        guard let line = try await nextLine(within: seconds) else { throw TimedOut("the connection closed") }
        return try PeerFrame(bytes: Data(line.utf8))
    }

    /// Waits until the other side closes the connection; lines before that are skipped.
    func expectClosed(within seconds: Double = 10) async throws {
        while try await nextLine(within: seconds) != nil {}
    }

    func close() async {
        outgoing.finish()
        await running.value
    }
}

/// A bare protocol client for tests that play a user by hand (for instance a peer that misbehaves on
/// purpose): requests and their replies, and the events in the order they came.
actor RawServerClient {
    private let connection: LineConnection
    private let codec = WireCodec()
    private var lastID = 0
    private var events: [ServerEvent] = []

    private init(connection: LineConnection) {
        self.connection = connection
    }

    /// Connects, says hello and registers `name`.
    static func register(_ name: String, password: String = "secret", port: Int) async throws -> RawServerClient {
        let client = RawServerClient(connection: try await LineConnection(port: port))
        try await client.ok(.hello(version: ProtocolLimits.version, client: "tests"))
        try await client.ok(.register(username: name, password: password, confirmation: password))
        return client
    }

    @discardableResult
    func request(_ command: Command) async throws -> Reply {
        lastID += 1
        let id = RequestID.number(lastID)
        connection.send(String(decoding: codec.line(Request(id: id, command: command)).dropLast(), as: UTF8.self))
        while true {
            switch try await nextFrame() {
            case .reply(let reply) where reply.id == id: return reply
            case .reply: continue
            case .event(let event): events.append(event)
            }
        }
    }

    @discardableResult
    func ok(_ command: Command) async throws -> Reply {
        let reply = try await request(command)
        guard reply.ok else { throw TimedOut("\(command.op) failed: \(reply.error?.message ?? "?")") }
        return reply
    }

    /// The next event, in the order the server sent it.
    func nextEvent() async throws -> ServerEvent {
        if !events.isEmpty { return events.removeFirst() }
        while true {
            if case .event(let event) = try await nextFrame() { return event }
        }
    }

    func close() async {
        await connection.close()
    }

    private func nextFrame() async throws -> ServerFrame {
        guard let line = try await connection.nextLine() else { throw TimedOut("the server closed the connection") }
        return try codec.decodeServerFrame(Array(line.utf8))
    }
}
