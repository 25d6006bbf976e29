import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Everything a child process writes to one descriptor, read on a thread of its own, with bounded waits
/// for expected text that read forward like a person watching the screen.
public final class Transcript: @unchecked Sendable {
    // The buffer is shared between the reading thread and the test; `condition` guards it.
    private let condition = NSCondition()
    private var bytes: [UInt8] = []
    private var cursor = 0
    private var ended = false

    public init(reading descriptor: Int32) {
        let thread = Thread { [self] in
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = read(descriptor, &chunk, chunk.count)
                if count < 0, errno == EINTR { continue }
                condition.lock()
                if count > 0 { bytes.append(contentsOf: chunk[0..<count]) } else { ended = true }
                condition.broadcast()
                condition.unlock()
                if count <= 0 { return }
            }
        }
        thread.start()
    }

    /// All text so far.
    public var text: String {
        condition.lock()
        defer { condition.unlock() }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Waits until `expected` appears after the last thing expected, and moves past it.
    public func expect(_ expected: String, within seconds: Double = 15) throws {
        try wait(for: String(reflecting: expected), within: seconds) { find(Array(expected.utf8)) }
    }

    /// Waits until a whole line equal to `line` is written after the last thing expected, and moves past it.
    public func expectLine(_ line: String, within seconds: Double = 15) throws {
        try wait(for: "the line " + String(reflecting: line), within: seconds) {
            var from = cursor
            let needle = Array((line + "\n").utf8)
            while let end = find(needle, from: from) {
                let start = end - needle.count
                if start == 0 || bytes[start - 1] == UInt8(ascii: "\n") { return end }
                from = start + 1
            }
            return nil
        }
    }

    private func wait(for what: String, within seconds: Double, _ match: () -> Int?) throws {
        let deadline = Date().addingTimeInterval(seconds)
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let end = match() {
                cursor = end
                return
            }
            guard !ended, condition.wait(until: deadline) || Date() < deadline else {
                throw TimedOut(
                    "\(what) not seen within \(seconds) s; after the last match: "
                        + String(reflecting: String(decoding: bytes[cursor...], as: UTF8.self)))
            }
        }
    }

    /// Waits for the descriptor to reach its end (the writer closed it).
    public func waitForEnd(within seconds: Double = 15) throws {
        let deadline = Date().addingTimeInterval(seconds)
        condition.lock()
        defer { condition.unlock() }
        while !ended {
            guard condition.wait(until: deadline) || Date() < deadline else { throw TimedOut("end of output") }
        }
    }

    /// The index just past the first occurrence of `needle` at or after `from` (the cursor by default).
    private func find(_ needle: [UInt8], from: Int? = nil) -> Int? {
        var start = from ?? cursor
        guard !needle.isEmpty else { return start }
        while start + needle.count <= bytes.count {
            if bytes[start..<(start + needle.count)].elementsEqual(needle) { return start + needle.count }
            start += 1
        }
        return nil
    }
}

/// A bounded wait ran out. Tests never sleep for a fixed time; they wait for what they expect, up to a limit.
public struct TimedOut: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
