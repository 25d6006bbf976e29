import Foundation

/// Who logged out when, in the order it happened, so `whoelsesince` reads only the users who left within its
/// window instead of every account (with 100,000 accounts, looking at each took the event loop 5 ms per
/// request, whoever asked; docs/BENCHMARKS.md).
///
/// A user who leaves again is appended again. Any departure inside a window means the user was online in it,
/// so an older entry of the same user never gives a wrong answer; it only takes room, and the log drops such
/// entries once it has grown to twice its size after the last time it did.
struct DepartureLog {
    private struct Departure {
        let user: String
        let at: Date
        /// `at`, or the latest earlier departure's if the clock went back: never decreasing, so the log can be
        /// searched by it.
        let order: Date
    }

    private var departures: [Departure] = []
    /// Entries left after the last compaction: the log compacts again at twice that (and at least 1,024 more).
    private var compactedCount = 0

    /// The log as of a start: each user's last logout, from the store.
    init(lastSeen: [(user: String, at: Date)] = []) {
        departures = lastSeen.sorted { $0.at < $1.at }.map { Departure(user: $0.user, at: $0.at, order: $0.at) }
        compactedCount = departures.count
    }

    /// Entries held, older ones of the same user included.
    var count: Int { departures.count }

    mutating func record(_ user: String, at: Date) {
        let order = max(at, departures.last?.order ?? at)
        departures.append(Departure(user: user, at: at, order: order))
        if departures.count >= 2 * compactedCount + 1024 { compact() }
    }

    /// Users who left at `cutoff` or later; a user who left more than once in the window comes more than once.
    func users(leftSince cutoff: Date) -> some Sequence<String> {
        // The first entry whose order is at or after the cutoff: every entry before it left earlier.
        var low = 0
        var high = departures.count
        while low < high {
            let middle = (low + high) / 2
            if departures[middle].order < cutoff { low = middle + 1 } else { high = middle }
        }
        return departures[low...].lazy.filter { $0.at >= cutoff }.map(\.user)
    }

    /// Keeps each user's latest departure only.
    private mutating func compact() {
        var seen: Set<String> = []
        seen.reserveCapacity(compactedCount)
        var kept: [Departure] = []
        for departure in departures.reversed() where seen.insert(departure.user).inserted {
            kept.append(departure)
        }
        departures = kept.reversed()
        compactedCount = departures.count
    }
}
