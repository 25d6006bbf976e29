import NIOCore
import ParleyProtocol

/// A connection's channel and its output state. A class, so the hot path changes it in place with one
/// dictionary lookup per frame rather than copying it out and back (seen in the `dm` profile).
final class ConnectionSlot {
    let channel: any Channel
    /// Frames waiting for a store batch to commit before they may be written, in order.
    var held: [ServerFrame] = []
    var heldUntil: UInt64 = 0
    var isHeld = false
    /// How many of the held replies wait for durability (each `hold` is followed by its reply).
    var durableReplies = 0
    var closeWhenReleased = false
    var closing = false
    /// Frames written in this tick, sent together at its end; `dirty` while there are some.
    var outbox: ByteBuffer?
    var dirty = false
    /// Frames in `outbox` may wait for the next presence flush (see `ChatHub.scheduleSoonFlush`).
    var dueSoon = false
    /// NIO holds more than the high water mark for this client: new frames wait in `outbox`.
    var backedUp = false
    /// Bytes the client has not read yet that count against the server's limit.
    var bytesQueuedWhileBackedUp = 0

    init(channel: any Channel) {
        self.channel = channel
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

    func release() -> [ServerFrame] {
        defer {
            held = []
            isHeld = false
            durableReplies = 0
        }
        return held
    }
}

extension ServerFrame {
    var isPresence: Bool {
        if case .event(.presence) = self { return true }
        return false
    }

    /// A message that waited while its recipient was offline.
    var isWaitingMessage: Bool {
        if case .event(.message(let message)) = self { return message.kind == .offline }
        return false
    }
}
