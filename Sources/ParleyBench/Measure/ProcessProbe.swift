import Foundation

/// Reads another process's CPU time and memory from `/proc`, as the server sees them itself: utime + stime of
/// all its threads (`/proc/PID/stat`), resident and peak resident memory (`/proc/PID/status`).
public struct ProcessProbe: Sendable {
    public let pid: Int32
    private let ticksPerSecond: Double

    public init(pid: Int32) {
        self.pid = pid
        self.ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// One reading of the process.
    public struct Sample: Sendable {
        /// User plus system CPU seconds since the process started.
        public var cpuSeconds: Double
        public var residentBytes: Int
        /// The high-water mark of resident memory (VmHWM).
        public var peakResidentBytes: Int
        public var at: UInt64
    }

    public func sample() throws -> Sample {
        Sample(
            cpuSeconds: try cpuSeconds(), residentBytes: try statusField("VmRSS"),
            peakResidentBytes: try statusField("VmHWM"), at: MonotonicClock.now())
    }

    /// Fields 14 and 15 of `/proc/PID/stat`, counted after the command name, which may contain spaces.
    public func cpuSeconds() throws -> Double {
        let text = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        guard let close = text.lastIndex(of: ")") else { throw ProbeError.unreadable("stat") }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state), so utime (14) is fields[11] and stime (15) is fields[12].
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else {
            throw ProbeError.unreadable("stat")
        }
        return (user + system) / ticksPerSecond
    }

    /// A `kB` line of `/proc/PID/status`, in bytes.
    private func statusField(_ name: String) throws -> Int {
        let text = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
            let number = line.dropFirst(name.count + 1).split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) }
            guard let kilobytes = number else { break }
            return kilobytes * 1024
        }
        throw ProbeError.unreadable("status \(name)")
    }

    public enum ProbeError: Error, CustomStringConvertible {
        case unreadable(String)
        public var description: String {
            switch self {
            case .unreadable(let what): "cannot read /proc/PID/\(what)"
            }
        }
    }
}
