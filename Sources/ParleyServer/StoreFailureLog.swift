import Foundation

/// Decides what to log while store writes fail: the first failure in full, then at most one line per
/// `interval` with how many more batches failed, and one line when a batch is stored again.
///
/// Why: on a full disk every commit fails, and a line per commit (hundreds a second under load) would flood
/// the log, often on that same disk, and bury the one line an operator needs.
struct StoreFailureLog {
    enum Line: Equatable {
        /// The first failed batch after writes worked (or since start).
        case firstFailure
        /// `batches` more failed since the last line.
        case stillFailing(batches: Int)
        /// A batch was stored after `batches` had failed in a row.
        case recovered(batches: Int)
    }

    let interval: TimeInterval
    private var failedInARow = 0
    private var sinceLastLine = 0
    private var lastLine: Date?

    init(interval: TimeInterval = 10) {
        self.interval = interval
    }

    mutating func batchFailed(at now: Date) -> Line? {
        failedInARow += 1
        guard let last = lastLine else {
            lastLine = now
            return .firstFailure
        }
        sinceLastLine += 1
        guard now.timeIntervalSince(last) >= interval else { return nil }
        lastLine = now
        defer { sinceLastLine = 0 }
        return .stillFailing(batches: sinceLastLine)
    }

    mutating func batchStored() -> Line? {
        guard failedInARow > 0 else { return nil }
        defer {
            failedInARow = 0
            sinceLastLine = 0
            lastLine = nil
        }
        return .recovered(batches: failedInARow)
    }
}
