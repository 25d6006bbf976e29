import NIOCore
import ParleyCore
import ParleyProtocol
import ParleyServerWire

/// Output: frames gathered per connection and written once per tick (presence events within
/// `PresenceJournal.delay`), held behind replies that wait for the store, kept back from clients that read slowly,
/// and closing.
extension ChatHub {
    /// Writes `frame` at the end of this tick, or queues it behind a reply that waits for the store.
    /// `encoded` is the frame's bytes when the caller already has them (one frame sent to many).
    func send(_ frame: ServerFrame, to id: ConnectionID, encoded: ByteBuffer? = nil) {
        guard let slot = slots[id], !slot.closing else { return }
        catchUpOnPresence(slot)
        deliver(frame, to: slot, encoded: encoded)
    }

    /// `send` without first giving the connection the presence events it has not had: for output that was
    /// held, which is older than those.
    func deliver(_ frame: ServerFrame, to slot: ConnectionSlot, encoded: ByteBuffer? = nil) {
        if slot.isHeld {
            slot.holdBack(frame)
            return
        }
        deliverUnheld(frame, to: slot, encoded: encoded)
    }

    /// `deliver` past the held output: for that output itself, once its batch has finished.
    func deliverUnheld(_ frame: ServerFrame, to slot: ConnectionSlot, encoded: ByteBuffer? = nil) {
        // Messages that waited for the user go out together at login, however many there are: they are the
        // backlog the server chose to send, not output the client failed to read, so they do not count.
        let countsAsUnread = !frame.isWaitingMessage
        if let encoded {
            write(encoded, to: slot, countsAsUnread: countsAsUnread)
            return
        }
        // Encoded in place, behind what the connection already has in this tick. A fresh outbox has room for
        // what usually follows (more replies, deliveries), so it does not regrow; it is freed once written.
        if slot.outbox == nil { slot.outbox = allocator.buffer(capacity: 512) }
        let before = slot.outbox!.readableBytes
        frameEncoder.encode(frame, into: &slot.outbox!)
        if admit(slot.outbox!.readableBytes - before, to: slot, countsAsUnread: countsAsUnread) { markDirty(slot) }
    }

    /// Adds `bytes` to the connection's outbox, to be written at the end of this tick.
    func write(_ bytes: ByteBuffer, to slot: ConnectionSlot, countsAsUnread: Bool = true) {
        if append(bytes, to: slot, countsAsUnread: countsAsUnread) { markDirty(slot) }
    }

    /// Adds `bytes` to the connection's outbox; false when that closed it (a client that does not read).
    private func append(_ bytes: ByteBuffer, to slot: ConnectionSlot, countsAsUnread: Bool = true) -> Bool {
        guard admit(bytes.readableBytes, to: slot, countsAsUnread: countsAsUnread) else { return false }
        if slot.outbox == nil {
            slot.outbox = bytes
        } else {
            slot.outbox!.writeImmutableBuffer(bytes)
        }
        return true
    }

    /// Counts `count` more bytes against a client that does not keep up; false when that passes the limit and
    /// closes the connection (its outbox dropped).
    private func admit(_ count: Int, to slot: ConnectionSlot, countsAsUnread: Bool) -> Bool {
        guard slot.backedUp, countsAsUnread else { return true }
        slot.bytesQueuedWhileBackedUp += count
        guard slot.bytesQueuedWhileBackedUp > maxOutboundBytes else { return true }
        logger.notice("client is not reading, disconnecting", metadata: ["connection": "\(slot.id)"])
        markClosing(slot)
        slot.channel.close(promise: nil)
        return false
    }

    private func markDirty(_ slot: ConnectionSlot) {
        guard !slot.dirty, !slot.backedUp, slot.outbox != nil else { return }
        slot.dirty = true
        if dirty.add(slot) { scheduleFlush() }
    }

    // MARK: Presence

    /// Announces a presence change to every online connection but the subject's and `hiddenFrom`, and keeps
    /// the audience: the subject joins it when it comes online and leaves it when it goes.
    func announcePresence(user: String, online: Bool, connection: ConnectionID, hiddenFrom: [ConnectionID]) {
        if !online, let leaving = presence.audience[connection] {
            catchUpOnPresence(leaving)
            presence.leave(connection)
        }
        var skipping: [ConnectionSlot] = []
        for id in hiddenFrom {
            guard let slot = presence.audience[id] else { continue }
            catchUpOnPresence(slot)
            skipping.append(slot)
        }
        let event = frameEncoder.encode(.event(.presence(user: user, online: online)), allocator: allocator)
        if presence.append(event) {
            eventLoop.scheduleTask(in: presence.delay) { self.flushPresence() }
        }
        for slot in skipping { presence.markSeen(slot) }
        if online, let slot = slots[connection], !slot.closing { presence.join(slot) }
    }

    /// Gives the connection the presence events it has not had yet, ahead of whatever comes next.
    private func catchUpOnPresence(_ slot: ConnectionSlot) {
        guard slot.inAudience, !slot.closing, let events = presence.takeUnseen(by: slot) else { return }
        if slot.isHeld {
            slot.held.append(.presence(events))
        } else {
            _ = append(events, to: slot)
        }
    }

    /// Gives every online connection what it has not had of the presence events and writes it (see
    /// `PresenceJournal.delay` for why they wait).
    private func flushPresence() {
        for slot in presence.audience.values where !slot.closing {
            catchUpOnPresence(slot)
            markDirty(slot)
        }
        presence.startOver()
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

    private func flush(_ slot: ConnectionSlot) {
        guard !slot.backedUp, var outbox = slot.takeOutbox() else { return }
        bursts.wrote()
        if slot.sendDirectly(&outbox) { return }
        if slot.socket == nil {
            // What NIO had no room for waits in the outbox, ahead of anything newer, until it has caught up.
            if var rest = Self.writeInRecordSizedFlushes(outbox, to: slot.channel), !slot.closing {
                if var newer = slot.outbox { rest.writeBuffer(&newer) }
                slot.outbox = rest
            }
        } else {
            // What the socket did not take now: SwiftNIO writes it, and everything after it until it is done.
            slot.writesInNIO += 1
            slot.channel.writeAndFlush(outbox).assumeIsolated().whenComplete { _ in slot.writesInNIO -= 1 }
        }
        // Past the high water mark NIO says the channel is not writable; it says so again below the low one.
        if !slot.channel.isWritable { slot.backedUp = true }
    }

    /// The most plaintext handed to NIOSSL per flush: 4 KiB less room for a TLS record's header and tag (the
    /// record size nginx's `ssl_buffer_size` is often tuned to), so a flush's records touch about one page.
    static let tlsFlushBytes = 4 * 1024 - 64

    /// Writes a TLS connection's output in flushes of at most `tlsFlushBytes`, while the channel is writable;
    /// returns what is left once it is not (the caller keeps it for when it is again).
    ///
    /// NIOSSL encrypts a flush into one buffer and keeps that buffer, with every page it ever touched, for
    /// the life of the connection (NIOSSL 2.37.6 ignores its own `maximumPreservedOutboundBufferCapacity`),
    /// so one long flush (the messages that waited for a user, a login storm's presence, a long `users`
    /// list) left each such connection holding as much. Idle, after 10,000 TLS logins: 48.5 KB of RSS per
    /// client without slicing, 33.9 KB in 16 KiB flushes, 26.3 KB in 4 KiB ones (docs/BENCHMARKS.md). Slices
    /// share the outbox's storage; nothing is copied. Stopping when NIO holds its high water mark keeps NIO
    /// from holding one encrypted buffer per slice for a client that reads slowly.
    static func writeInRecordSizedFlushes(_ output: ByteBuffer, to channel: any Channel) -> ByteBuffer? {
        var output = output
        while output.readableBytes > tlsFlushBytes, let slice = output.readSlice(length: tlsFlushBytes) {
            channel.writeAndFlush(slice, promise: nil)
            if !channel.isWritable { return output }
        }
        channel.writeAndFlush(output, promise: nil)
        return nil
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
        catchUpOnPresence(slot)
        slot.closing = true
        let channel = slot.channel
        if let outbox = slot.takeOutbox() { channel.write(outbox, promise: nil) }
        channel.writeAndFlush(channel.allocator.buffer(capacity: 0)).whenComplete { _ in
            channel.close(promise: nil)
        }
    }
}
