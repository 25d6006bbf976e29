import Foundation
import ParleyProcess
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The machine's own stalls, with no server running: on each CPU a thread pinned to it sleeps a short
/// interval again and again and records how much longer than asked each sleep took (the idea of jHiccup).
/// A sleep that overran by 4 ms means that CPU ran something else, or nothing, for 4 ms while a thread
/// wanted it: a latency no server on this machine can stay under. `bench/compare.sh` measures it before and
/// after its run and prints it above the table.
public enum HiccupMeter {
    /// Sleeps of `intervalMicroseconds` on every online CPU for `seconds`.
    public static func measure(seconds: Double, intervalMicroseconds: Int = 200) -> HiccupReport {
        let cpus = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        let results = Mutex<[HiccupReport.CPU]>([])
        let finished = DispatchSemaphore(value: 0)
        for cpu in 0..<cpus {
            let thread = Thread {
                let pinned = pinCurrentThread(to: cpu)
                let counts = sample(for: seconds, intervalMicroseconds: intervalMicroseconds)
                results.withLock { $0.append(HiccupReport.CPU(cpu: pinned ? cpu : nil, oversleeps: counts)) }
                finished.signal()
            }
            thread.start()
        }
        for _ in 0..<cpus { finished.wait() }
        let perCPU = results.withLock { $0 }.sorted { ($0.cpu ?? 0) < ($1.cpu ?? 0) }
        return HiccupReport(seconds: seconds, intervalMicroseconds: intervalMicroseconds, cpus: perCPU)
    }

    private static func sample(for seconds: Double, intervalMicroseconds: Int) -> LatencyHistogram {
        var oversleeps = LatencyHistogram()
        let interval = UInt64(intervalMicroseconds) * 1000
        var request = timespec(tv_sec: 0, tv_nsec: Int(interval))
        let end = MonotonicClock.now() + UInt64(seconds * 1e9)
        var before = MonotonicClock.now()
        while before < end {
            nanosleep(&request, nil)
            let after = MonotonicClock.now()
            let slept = after - before
            oversleeps.record(nanoseconds: slept - min(interval, slept))
            before = after
        }
        return oversleeps
    }

    private typealias SetAffinity = @convention(c) (pid_t, Int, UnsafeRawPointer) -> Int32

    /// Binds the calling thread to `cpu` (Linux's `sched_setaffinity`, looked up by name since Swift's Glibc
    /// module leaves out what needs `_GNU_SOURCE`); false where that is not possible.
    private static func pinCurrentThread(to cpu: Int) -> Bool {
        #if os(Linux)
            guard let setAffinity = LibC.function("sched_setaffinity", as: SetAffinity.self) else { return false }
            var set = cpu_set_t()
            let bitsPerWord = UInt.bitWidth
            guard cpu < MemoryLayout<cpu_set_t>.size * 8 else { return false }
            withUnsafeMutableBytes(of: &set) { bytes in
                let words = bytes.bindMemory(to: UInt.self)
                words[cpu / bitsPerWord] |= 1 << UInt(cpu % bitsPerWord)
            }
            return withUnsafePointer(to: &set) { setAffinity(0, MemoryLayout<cpu_set_t>.size, $0) } == 0
        #else
            return false
        #endif
    }
}

/// What `HiccupMeter` saw, per CPU.
public struct HiccupReport: Sendable {
    public struct CPU: Sendable {
        /// The CPU the thread was pinned to; nil when it could not be pinned.
        public var cpu: Int?
        /// How much longer than asked each sleep took.
        public var oversleeps: LatencyHistogram
    }

    public var seconds: Double
    public var intervalMicroseconds: Int
    public var cpus: [CPU]

    public var text: String {
        var lines = [
            "machine hiccups over \(Self.format(seconds)) s (per CPU, a thread sleeping \(intervalMicroseconds) µs"
                + " at a time: how much longer each sleep took):"
        ]
        for entry in cpus {
            let name = entry.cpu.map { "cpu \($0)" } ?? "a thread"
            let sleeps = entry.oversleeps
            lines.append(
                "  \(name): \(sleeps.count) sleeps; over 1 ms: \(sleeps.count(overMilliseconds: 1)),"
                    + " over 2 ms: \(sleeps.count(overMilliseconds: 2)),"
                    + " over 5 ms: \(sleeps.count(overMilliseconds: 5));"
                    + " p99.9 \(Self.format(sleeps.milliseconds(atPercentile: 99.9))) ms,"
                    + " max \(Self.format(sleeps.maxMilliseconds)) ms")
        }
        return lines.joined(separator: "\n")
    }

    private static func format(_ value: Double) -> String { String(format: "%.2f", value) }
}
