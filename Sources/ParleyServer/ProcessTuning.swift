import ParleyProcess

#if canImport(Glibc)
    import Glibc
#endif

/// Process-wide settings the server makes once at start-up, each because a benchmark showed it mattered.
enum ProcessTuning {
    /// Fixes glibc's malloc thresholds. scrypt needs a large working buffer per password check (1 MiB at
    /// cost 2^10, 16 MiB at 2^14). Left to itself, glibc raises its mmap threshold after the first such buffer
    /// is freed, so later ones come from the heap and, once freed, stay resident: the `idle` benchmark
    /// measured 7.4 kB of RSS per connected client at 3,000 clients, 3.7 kB with fixed thresholds.
    /// With the threshold fixed, large buffers are mapped and unmapped, and the heap top is trimmed.
    static let configureMemory: Void = {
        #if canImport(Glibc)
            typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
            guard let mallopt = LibC.function("mallopt", as: Mallopt.self) else { return }
            // The constants from <malloc.h>.
            let trimThreshold: Int32 = -1  // M_TRIM_THRESHOLD
            let mmapThreshold: Int32 = -3  // M_MMAP_THRESHOLD
            _ = mallopt(mmapThreshold, 128 * 1024)
            _ = mallopt(trimThreshold, 256 * 1024)
        #endif
    }()

    /// Gives memory that glibc's malloc holds free back to the system (`malloc_trim(0)`): after a storm of
    /// presence events the heap is full of holes the size of freed output buffers, which count as resident
    /// until trimmed. The `idle` benchmark at 10,000 clients measured 18 MB (1.8 kB per client) returned.
    /// Call it off the event loop: it walks the whole heap.
    static func returnFreeMemory() {
        _ = mallocTrim?(0)
    }

    private typealias MallocTrim = @convention(c) (Int) -> Int32
    private static let mallocTrim = LibC.function("malloc_trim", as: MallocTrim.self)

    /// Lowers the priority of the calling thread (nice 10). Password hashing runs on threads that do this,
    /// so on a busy machine the event loop, which moves everyone's messages, gets the CPU first: during a
    /// storm of logins the `login` benchmark measured the online users' p99 at 8 ms with equal priority.
    static func lowerCurrentThreadPriority() {
        #if os(Linux)
            // On Linux each thread has its own nice value, and `who == 0` means the calling thread.
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
        #endif
    }
}
