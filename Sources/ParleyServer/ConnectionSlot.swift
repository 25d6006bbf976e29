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
    var heldUntil: UInt64 = 0
    var isHeld = false
    /// How many of the held replies wait for durability (each `hold` is followed by its reply).
    var durableReplies = 0
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

    func hold(until batch: UInt64) {
        isHeld = true
        durableReplies += 1
        heldUntil = max(heldUntil, batch)
    }

    func release() -> [HeldOutput] {
        defer {
            held = []
            isHeld = false
            durableReplies = 0
        }
        return held
    }
}

/// Output held behind a reply that waits for the store: a frame (encoded when released, since a reply that
/// could not be stored is then replaced by `store_failure`), or presence events already encoded.
enum HeldOutput {
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
