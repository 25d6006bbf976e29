import NIOCore
import ParleyCore

/// Presence events ("bob logged in") since the last presence flush, encoded once and shared by every online
/// connection, each of which remembers how far into them it has been given.
///
/// Each login is announced to everyone online (SPEC section 4), so a storm of N logins is N² events.
/// Appending each to every online connection's output cost a third of the server's time while 10,000
/// clients logged in, most of it reaching into another connection's memory per event. Here a change is
/// appended once; a connection takes what it has not had when it next gets other output (so its frames stay
/// in order) or at the presence flush, as one slice of these bytes, which the flush writes without a copy.
struct PresenceJournal {
    private let allocator: ByteBufferAllocator
    private var bytes: ByteBuffer
    /// Tells the bytes of one flush period from the next: a connection's offset counts in its own period only.
    private var period: UInt64 = 0
    /// The connections of online users: those the core announced online and not yet offline.
    private(set) var audience: [ConnectionID: ConnectionSlot] = [:]
    private var flushScheduled = false

    /// How long the first event of a period waits for company before everyone is given the period's events.
    /// During a login storm each login tells everyone online, and one write per login per connection was most
    /// of the storm's cost; waiting makes it one write per connection per period. The wait grows with the
    /// audience, 50 µs per online user between 100 ms and 1 s, so those writes stay below about 20,000 a
    /// second however many are online. A person does not notice a "bob logged in" a moment late.
    var delay: TimeAmount {
        .microseconds(Int64(min(1_000_000, max(100_000, 50 * audience.count))))
    }

    init(allocator: ByteBufferAllocator) {
        self.allocator = allocator
        self.bytes = allocator.buffer(capacity: 0)
    }

    /// `slot` hears of every change from now on, none from before.
    mutating func join(_ slot: ConnectionSlot) {
        audience[slot.id] = slot
        slot.inAudience = true
        markSeen(slot)
    }

    /// `id` hears of nothing more (give it what it has not had first); its slot, if it was in the audience.
    @discardableResult
    mutating func leave(_ id: ConnectionID) -> ConnectionSlot? {
        guard let slot = audience.removeValue(forKey: id) else { return nil }
        slot.inAudience = false
        return slot
    }

    /// Adds an encoded event for everyone in the audience; true when the caller must schedule the flush.
    mutating func append(_ event: ByteBuffer) -> Bool {
        bytes.writeImmutableBuffer(event)
        guard !flushScheduled else { return false }
        flushScheduled = true
        return true
    }

    /// The events `slot` has not been given yet, from now on counted as given.
    func takeUnseen(by slot: ConnectionSlot) -> ByteBuffer? {
        guard slot.inAudience else { return nil }
        let seen = slot.presencePeriod == period ? slot.presenceSeen : 0
        let end = bytes.writerIndex
        guard seen < end else { return nil }
        markSeen(slot)
        return bytes.getSlice(at: seen, length: end - seen)
    }

    /// Counts everything so far as given to `slot` (a user the event's subject blocked skips it).
    func markSeen(_ slot: ConnectionSlot) {
        slot.presencePeriod = period
        slot.presenceSeen = bytes.writerIndex
    }

    /// Starts a new period once everyone has been given everything (the flush). The old bytes live on in the
    /// slices still being written; a fresh buffer means the next append copies none of them.
    mutating func startOver() {
        period &+= 1
        bytes = allocator.buffer(capacity: 0)
        flushScheduled = false
    }
}
