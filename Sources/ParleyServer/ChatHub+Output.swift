import NIOCore
import ParleyCore
import ParleyProtocol

/// Output: frames gathered per connection and written once per tick (presence within `presenceDelay`),
/// held behind replies that wait for the store, kept back from clients that read slowly, and closing.
extension ChatHub {
    /// How soon a frame must leave: `.now` at the end of this tick; `.soon` within `presenceDelay`, or with
    /// the next `.now` frame to the same connection if that comes first.
    enum Urgency {
        case now, soon
    }

    /// Writes `frame` now, or queues it behind a reply that waits for the store.
    /// `encoded` is the frame's bytes when the caller already has them (one frame sent to many).
    func send(
        _ frame: ServerFrame, to id: ConnectionID, encoded: ByteBuffer? = nil, urgency: Urgency = .now
    ) {
        guard let slot = slots[id], !slot.closing else { return }
        if slot.isHeld {
            slot.held.append(frame)
            return
        }
        write(
            frame, bytes: encoded ?? frameEncoder.encode(frame, allocator: allocator), to: id, slot: slot,
            urgency: urgency)
    }

    private func write(
        _ frame: ServerFrame, bytes: ByteBuffer, to id: ConnectionID, slot: ConnectionSlot, urgency: Urgency
    ) {
        // Messages that waited for the user go out together at login, however many there are: they are the
        // backlog the server chose to send, not output the client failed to read, so they do not count.
        if slot.backedUp, !frame.isWaitingMessage {
            slot.bytesQueuedWhileBackedUp += bytes.readableBytes
            if slot.bytesQueuedWhileBackedUp > maxOutboundBytes {
                logger.notice("client is not reading, disconnecting", metadata: ["connection": "\(id)"])
                slot.closing = true
                slot.outbox = nil
                slot.channel.close(promise: nil)
                return
            }
        }
        if slot.outbox == nil {
            slot.outbox = bytes
        } else {
            slot.outbox!.writeImmutableBuffer(bytes)
        }
        guard !slot.dirty, !slot.backedUp else { return }
        switch urgency {
        case .now:
            slot.dirty = true
            if dirty.add(slot) { scheduleFlush() }
        case .soon:
            guard !slot.dueSoon else { return }
            slot.dueSoon = true
            if dueSoon.add(slot) { scheduleSoonFlush() }
        }
    }

    /// One write and flush per channel per event-loop tick, however many frames went to it: fewer trips
    /// through the channel pipeline. A channel NIO calls not writable (its client reads slowly) is
    /// `backedUp`: what follows waits in its outbox, one buffer, until NIO has caught up, rather than as one
    /// entry per tick in NIO's queue of pending writes, which keeps the capacity of its longest moment for
    /// the life of the connection.
    private func scheduleFlush() {
        eventLoop.execute { self.flushDirtySlots() }
    }

    /// Works on what the queue held when it started: a write can fail and close a channel at once, and what
    /// that sets off may queue output again (for a run of its own) while this loop runs.
    func flushDirtySlots() {
        for slot in dirty.take() {
            slot.dirty = false
            flush(slot)
        }
    }

    /// Presence events wait up to `presenceDelay` for company: during a login storm each login tells
    /// everyone online, and one write per login per connection was most of the storm's cost (10,000 logins
    /// are 50 million presence events). A person does not notice 100 ms on "bob logged in".
    private func scheduleSoonFlush() {
        eventLoop.scheduleTask(in: Self.presenceDelay) {
            for slot in self.dueSoon.take() {
                slot.dueSoon = false
                self.flush(slot)
            }
        }
    }

    private func flush(_ slot: ConnectionSlot) {
        guard !slot.backedUp, let outbox = slot.takeOutbox() else { return }
        slot.channel.writeAndFlush(outbox, promise: nil)
        bursts.wrote()
        // Past the high water mark NIO says the channel is not writable; it says so again below the low one.
        if !slot.channel.isWritable { slot.backedUp = true }
    }

    /// NIO has written enough of what it held: what waited in the outbox may go.
    func becameWritable(_ id: ConnectionID) {
        guard let slot = slots[id], slot.backedUp else { return }
        slot.backedUp = false
        slot.bytesQueuedWhileBackedUp = 0
        if !slot.closing { flush(slot) }
    }

    /// Closes once everything sent so far (including held output) is written.
    func close(_ id: ConnectionID) {
        guard let slot = slots[id], !slot.closing else { return }
        if slot.isHeld {
            slot.closeWhenReleased = true
            return
        }
        slot.closing = true
        let channel = slot.channel
        if let outbox = slot.takeOutbox() { channel.write(outbox, promise: nil) }
        channel.writeAndFlush(channel.allocator.buffer(capacity: 0)).whenComplete { _ in
            channel.close(promise: nil)
        }
    }
}
