/// Items waiting for one later run on the event loop (a flush at the end of the tick, a hand-over of closed
/// connections), with the flag that says whether that run is already scheduled. The two queues of
/// `ChatHub` share it so the two rules live in one place: schedule only when the first item arrives, and
/// forget the schedule as the run takes its items, so anything queued while it works gets a run of its own.
struct DeferredBatch<Element> {
    private var items: [Element] = []
    private var scheduled = false

    var isEmpty: Bool { items.isEmpty }

    /// Queues `item`; true when the caller must schedule the run (none is pending).
    mutating func add(_ item: Element) -> Bool {
        items.append(item)
        return claimRun()
    }

    /// True when there are items and no run is pending: the caller schedules one now.
    mutating func claimRun() -> Bool {
        guard !scheduled, !items.isEmpty else { return false }
        scheduled = true
        return true
    }

    /// The run takes the oldest `limit` items (a copy: what it does may queue more) and clears the schedule.
    mutating func take(upTo limit: Int = .max) -> ArraySlice<Element> {
        scheduled = false
        guard limit < items.count else {
            defer { items = [] }
            return items[...]
        }
        let taken = items.prefix(limit)
        items.removeFirst(limit)
        return taken
    }
}
