import Foundation
import NIOCore
import NIOPosix
import ParleyProcess

/// Runs a scenario over several bench processes, because one process may hold only so many sockets.
///
/// Each child is `parley-bench worker` with the settings and its number. It prepares, prints `READY`, waits
/// for `GO` on its standard input, runs, prints `RESULT` and its result as JSON, waits for `STOP`, and closes
/// its connections. The coordinator says `GO` to all at once and samples the server around the window.
final class Coordinator: Sendable {
    let settings: BenchSettings
    let executable: String

    init(settings: BenchSettings, executable: String?) throws {
        self.settings = settings
        guard let executable = executable ?? Self.currentExecutable() else {
            throw BenchError.worker("cannot find the parley-bench executable to start workers")
        }
        self.executable = executable
    }

    static func currentExecutable() -> String? {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments.first
    }

    func run(probe: ProcessProbe?) async throws -> (WorkerResult, WindowSamples) {
        var children: [WorkerChild] = []
        defer {
            for child in children { child.terminate() }
        }
        for index in 0..<settings.processes {
            var settings = self.settings
            settings.worker = index
            children.append(try WorkerChild(executable: executable, settings: settings))
        }
        for child in children { try await child.expect("READY") }
        let plan = MeasurementPlan(settings)
        let started = children
        let load = children.map { ProcessProbe(pid: $0.pid) }
        let outcome = try await BenchRunner.measure(plan, probe: probe, load: load) {
            for child in started { try child.send("GO") }
            var merged = WorkerResult()
            for child in started { merged.merge(try await child.result()) }
            return merged
        }
        for child in children { try? child.send("STOP") }  // a child that already exited needs no STOP
        for child in children { child.waitUntilExit() }
        return outcome
    }
}

/// One `parley-bench worker` child and its pipes.
final class WorkerChild: @unchecked Sendable {  // used by one task at a time, in order
    private let child: Child
    private let input = Pipe()
    private let output = Pipe()
    private var buffered = Data()

    init(executable: String, settings: BenchSettings) throws {
        let json = try JSONEncoder().encode(settings).base64EncodedString()
        child = try Child(URL(fileURLWithPath: executable), ["worker", "--settings", json]) { [input, output] in
            $0.standardInput = .pipe(input)
            $0.standardOutput = .pipe(output)
        }
    }

    func send(_ line: String) throws {
        try input.fileHandleForWriting.write(contentsOf: Data((line + "\n").utf8))
    }

    /// Waits for a line equal to `expected`.
    func expect(_ expected: String) async throws {
        let line = try await readLine()
        guard line == expected else { throw BenchError.worker("expected \(expected), got \(line)") }
    }

    func result() async throws -> WorkerResult {
        let line = try await readLine()
        guard line.hasPrefix("RESULT "), let data = Data(base64Encoded: String(line.dropFirst(7))) else {
            throw BenchError.worker(line)
        }
        return try JSONDecoder().decode(WorkerResult.self, from: data)
    }

    /// The next line the child prints, read on a thread of its own (the read blocks).
    private func readLine() async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try self.blockingReadLine() })
            }
        }
    }

    private func blockingReadLine() throws -> String {
        while true {
            if let newline = buffered.firstIndex(of: 0x0A) {
                let line = String(decoding: buffered[buffered.startIndex..<newline], as: UTF8.self)
                buffered = Data(buffered[(newline + 1)...])
                return line
            }
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw BenchError.worker("worker exited early") }
            buffered.append(chunk)
        }
    }

    var pid: Int32 { child.pid }

    /// Waits for the child to close its connections and exit after `STOP`; one that takes longer than a
    /// minute is sent SIGTERM.
    func waitUntilExit() {
        _ = try? child.waitForExit(within: 60)
    }

    func terminate() {
        if child.isRunning { child.signal(SIGTERM) }
    }
}

/// The child's side: `parley-bench worker --settings ...` calls this.
public enum WorkerProcess {
    public static func serve(_ settings: BenchSettings) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let worker = try makeWorker(settings, loop: group.next())
        do {
            try await worker.prepare()
            say("READY")
            guard readLine() == "GO" else { throw BenchError.worker("no GO") }
            let result = try await worker.run()
            say("RESULT " + (try JSONEncoder().encode(result).base64EncodedString()))
            _ = readLine()  // STOP, or the end of input if the coordinator went away
            await worker.finish()
            try await group.shutdownGracefully()
        } catch {
            say("FAILED \(error)")
            await worker.finish()
            try? await group.shutdownGracefully()  // the scenario's error is the one to report
            throw error
        }
    }

    private static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
