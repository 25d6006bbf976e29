/// Tells when a burst of output (a login or logout storm) has just died down: the moment to give the heap
/// it left free back to the system. Counts writes; asked once a second.
struct BurstWatch {
    /// Writes that make a burst worth tidying up after.
    let burst: Int
    /// Fewer writes than this in a second is quiet.
    let quiet: Int
    private var sinceTidy = 0
    private var thisSecond = 0

    init(burst: Int = 20_000, quiet: Int = 1_000) {
        self.burst = burst
        self.quiet = quiet
    }

    mutating func wrote() {
        sinceTidy &+= 1
        thisSecond &+= 1
    }

    /// Call once a second: true when at least `burst` writes happened since the last tidy-up and this second
    /// was quiet (then counting starts again).
    mutating func secondPassed() -> Bool {
        defer { thisSecond = 0 }
        guard thisSecond < quiet, sinceTidy >= burst else { return false }
        sinceTidy = 0
        return true
    }
}
