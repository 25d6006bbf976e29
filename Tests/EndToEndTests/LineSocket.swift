import Foundation
import ParleyProtocol
import ParleyTesting
import Testing

/// A blocking JSON-lines socket with bounded reads, for talking to a child-process server.
final class LineSocket {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private let codec = WireCodec()
    private var nextID = 0

    init(port: Int) throws {
        descriptor = try LoopbackSocket.connect(port: port)
    }

    deinit { close(descriptor) }

    /// A connection to a server that may still be starting, for a test that cannot read when it is ready:
    /// tries again every 50 ms until one is accepted, for at most `seconds`.
    static func connecting(port: Int, within seconds: Double = 15) throws -> LineSocket {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            do {
                return try LineSocket(port: port)
            } catch let failure as LoopbackSocket.ConnectFailed where failure.errno == ECONNREFUSED {
                guard Date() < deadline else { throw failure }
                usleep(50_000)
            }
        }
    }

    /// A connection logged in as `name`, registering the account first if it is new.
    static func loggedIn(_ name: String, port: Int, password: String = "pw") throws -> LineSocket {
        let socket = try LineSocket(port: port)
        #expect(try socket.request(.hello(version: 1, client: "e2e")).ok)
        let login = try socket.request(.login(username: name, password: password))
        if login.error?.code == .newUser {
            #expect(try socket.request(.register(username: name, password: password, confirmation: password)).ok)
        } else {
            #expect(login.ok)
        }
        return socket
    }

    /// Logs `name` in (an existing account) and returns the texts of the messages that waited for them.
    static func waitingTexts(for name: String, port: Int, password: String = "pw") throws -> [String] {
        let socket = try LineSocket(port: port)
        #expect(try socket.request(.hello(version: 1, client: "e2e")).ok)
        var events: [ServerEvent] = []
        let login = try socket.request(.login(username: name, password: password), events: &events)
        #expect(login.ok)
        return try (0..<(login.waiting ?? 0)).map { _ in
            guard case .message(let delivered) = try socket.nextEvent() else { return "(not a message)" }
            return delivered.text
        }
    }

    /// Sends `command` and returns its reply; events read meanwhile are returned through `events`.
    func request(_ command: Command, events: inout [ServerEvent]) throws -> Reply {
        nextID += 1
        let id = RequestID.number(nextID)
        let bytes = Array(codec.line(Request(id: id, command: command)))
        guard send(descriptor, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count else {
            throw LineSocketFailure("send failed")
        }
        while true {
            switch try codec.decodeServerFrame(try readLine()) {
            case .reply(let reply) where reply.id == id: return reply
            case .reply: continue
            case .event(let event): events.append(event)
            }
        }
    }

    func request(_ command: Command) throws -> Reply {
        var ignored: [ServerEvent] = []
        return try request(command, events: &ignored)
    }

    func nextEvent() throws -> ServerEvent {
        while true {
            if case .event(let event) = try codec.decodeServerFrame(try readLine()) { return event }
        }
    }

    /// Sends `text` as it is, whatever it is.
    func sendRaw(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard send(descriptor, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count else {
            throw LineSocketFailure("send failed")
        }
    }

    /// Reads one line, waiting at most `seconds`.
    func readLine(within seconds: Double = 10) throws -> [UInt8] {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                return line
            }
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let remaining = Int32(max(0, deadline.timeIntervalSinceNow) * 1000)
            guard poll(&poller, 1, remaining) > 0 else { throw LineSocketFailure("no line within \(seconds) s") }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = recv(descriptor, &chunk, chunk.count, 0)
            guard count > 0 else { throw LineSocketFailure("connection closed") }
            buffer += chunk[..<count]
        }
    }
}

struct LineSocketFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
