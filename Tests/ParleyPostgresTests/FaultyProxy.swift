import Foundation
import ParleyTesting
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP relay on 127.0.0.1 in front of the test's PostgreSQL server that fails once, on cue: when the client
/// next sends bytes that contain `trigger` (a statement's text, say), the relay either hands them on and then
/// drops the client at once, so the server acts on them but its answer is lost (`cut`), or keeps them and goes
/// silent both ways, the server's side left open (`freeze`), as a network that stops carrying anything does.
/// Every other connection, before and after, is relayed as it is.
final class FaultyProxy: Sendable {
    enum Fault: Sendable {
        case cut, freeze
    }

    let port: Int
    private let listener: Int32
    private let upstreamPort: Int
    private let armed = Mutex<(trigger: [UInt8], fault: Fault)?>(nil)
    /// The server-side sockets of frozen connections, kept open until the relay stops.
    private let frozen = Mutex<Set<Int32>>([])
    private let stopped = Atomic<Bool>(false)

    init(upstreamPort: Int) throws {
        self.upstreamPort = upstreamPort
        (listener, port) = try listeningSocket(backlog: 16)
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// Makes the next client bytes that contain `trigger` fail the way `fault` says; once.
    func arm(_ fault: Fault, when trigger: String) {
        armed.withLock { $0 = (Array(trigger.utf8), fault) }
    }

    /// Whether the fault has happened since it was armed.
    var hasFailed: Bool { armed.withLock { $0 == nil } }

    func stop() {
        stopped.store(true, ordering: .sequentiallyConsistent)
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        frozen.withLock { frozen in
            for descriptor in frozen { shutdown(descriptor, Int32(SHUT_RDWR)) }
        }
    }

    private func acceptLoop() {
        while !stopped.load(ordering: .sequentiallyConsistent) {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            guard let server = try? LoopbackSocket.connect(port: upstreamPort) else {
                close(client)
                continue
            }
            let pair = Pair(client: client, server: server)
            Thread.detachNewThread { [self] in
                relayFromClient(pair)
                pair.finished()
            }
            Thread.detachNewThread { [self] in
                relayFromServer(pair)
                frozen.withLock { _ = $0.remove(server) }
                pair.finished()
            }
        }
    }

    /// A relayed connection's two sockets, closed by whichever of its two threads ends last (so neither reads
    /// a descriptor the other closed and the system gave to a new connection).
    private final class Pair: Sendable {
        let client: Int32
        let server: Int32
        private let running = Mutex(2)

        init(client: Int32, server: Int32) {
            self.client = client
            self.server = server
        }

        func finished() {
            guard
                running.withLock({
                    $0 -= 1
                    return $0 == 0
                })
            else { return }
            close(client)
            close(server)
        }
    }

    /// Client to server, watching for the trigger, also where it is split between two reads.
    private func relayFromClient(_ pair: Pair) {
        var buffer = [UInt8](repeating: 0, count: 65536)
        var tail: [UInt8] = []
        while true {
            let count = read(pair.client, &buffer, buffer.count)
            guard count > 0 else { break }
            let chunk = Array(buffer[0..<count])
            let fault = armed.withLock { armed -> Fault? in
                guard let (trigger, fault) = armed, (tail.suffix(trigger.count - 1) + chunk).contains(trigger) else {
                    return nil
                }
                armed = nil
                return fault
            }
            switch fault {
            case .cut?:
                shutdown(pair.client, Int32(SHUT_RDWR))  // before the server can answer: its answer goes nowhere
                writeAll(chunk, to: pair.server)
                shutdown(pair.server, Int32(SHUT_WR))
                return
            case .freeze?:
                frozen.withLock { _ = $0.insert(pair.server) }
                while read(pair.client, &buffer, buffer.count) > 0 {}  // swallowed until the client gives up
                shutdown(pair.client, Int32(SHUT_RDWR))
                return
            case nil:
                writeAll(chunk, to: pair.server)
                tail = chunk
            }
        }
        shutdown(pair.server, Int32(SHUT_WR))
    }

    /// Server to client, until the server ends; what the client can no longer take (it is gone, or the
    /// connection frozen) is read and dropped, so the server never meets a reset and goes on with what it was
    /// sent. A frozen connection's server side stays open until the server ends it or the relay stops.
    private func relayFromServer(_ pair: Pair) {
        var buffer = [UInt8](repeating: 0, count: 65536)
        var clientGone = false
        while true {
            let count = read(pair.server, &buffer, buffer.count)
            guard count > 0 else { break }
            if clientGone || frozen.withLock({ $0.contains(pair.server) }) { continue }
            clientGone = !writeAll(Array(buffer[0..<count]), to: pair.client)
        }
        shutdown(pair.client, Int32(SHUT_RDWR))
    }

    @discardableResult
    private func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes {
                send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }
}
