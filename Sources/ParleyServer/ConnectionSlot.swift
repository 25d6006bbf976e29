import NIOCore
import ParleyCore
import ParleyProtocol

/// A connection's channel and its output state. A class, so the hot path changes it in place with one
/// dictionary lookup per frame rather than copying it out and back (seen in the `dm` profile).
final class ConnectionSlot {
    let id: ConnectionID
    let channel: any Channel
    /// The socket's descriptor, for writing it directly (`DirectSocketWrite`); `nil` for TLS, whose records
    /// `TLSRecordWriter` writes instead.
    let socket: DirectSocket?
    /// Writes handed to SwiftNIO that it has not finished: while there are some, nothing is written directly.
    var writesInNIO = 0
    /// Output waiting for a store batch to commit before it may be written, in order.
    var held: [HeldOutput] = []
    var isHeld = false
    /// The batch the next reply waits for: each `hold` is followed by the reply it holds back.
    private var nextReplyWaitsFor: UInt64?
    var closeWhenReleased = false
    var closing = false
    /// The client closed its side (a half-close: it still reads): the connection closes once what it asked
    /// for has been answered.
    var inputEnded = false
    /// Frames written in this tick, sent together at its end; `dirty` while there are some.
    var outbox: ByteBuffer?
    var dirty = false
    /// NIO holds more than the high water mark for this client: new frames wait in `outbox`.
    var backedUp = false
    /// Bytes the client has not read yet that count against the server's limit.
    var bytesQueuedWhileBackedUp = 0
    /// Its user is online, so it hears of presence changes (`PresenceJournal`); a flag of its own so that
    /// sending a frame need not look the connection up in the journal's audience.
    var inAudience = false
    /// How far into the presence journal's period `presencePeriod` this connection has been given.
    var presencePeriod: UInt64 = 0
    var presenceSeen = 0

    init(id: ConnectionID, channel: any Channel, socket: CInt?) {
        self.id = id
        self.channel = channel
        self.socket = socket.map(DirectSocket.init)
    }

    func takeOutbox() -> ByteBuffer? {
        defer { outbox = nil }
        return outbox
    }

    /// Holds this connection's output from here on; the next reply waits for `batch` to commit.
    func hold(until batch: UInt64) {
        isHeld = true
        nextReplyWaitsFor = batch
    }

    /// Queues `frame` behind the held output, tagged with its batch if it is the reply a `hold` was for.
    func holdBack(_ frame: ServerFrame) {
        if case .reply(let reply) = frame, let batch = nextReplyWaitsFor {
            nextReplyWaitsFor = nil
            held.append(.durableReply(reply, batch: batch))
        } else {
            held.append(.frame(frame))
        }
    }

    /// Batch `number` has finished: takes the held output up to the first reply that waits for a later batch
    /// (batches finish in order and a connection's requests go in the same or later ones, so what is held
    /// waits for batches in order). The connection stays held if such a reply remains.
    func release(through number: UInt64) -> [HeldOutput] {
        let end = held.firstIndex { if case .durableReply(_, let batch) = $0 { batch > number } else { false } }
        let released = Array(held[..<(end ?? held.endIndex)])
        held.removeFirst(released.count)
        if held.isEmpty {
            isHeld = false
            nextReplyWaitsFor = nil
        }
        return released
    }
}

/// Output held behind a reply that waits for the store: a reply that waited for a batch (replaced by
/// `store_failure` if that batch failed), another frame (encoded when released), or presence events already
/// encoded.
enum HeldOutput {
    case durableReply(Reply, batch: UInt64)
    case frame(ServerFrame)
    case presence(ByteBuffer)
}

extension ServerFrame {
    /// A message that waited while its recipient was offline.
    var isWaitingMessage: Bool {
        if case .event(.message(let message)) = self { return message.kind == .offline }
        return false
    }
}
