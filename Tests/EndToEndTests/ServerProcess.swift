import Foundation
import Testing

/// The built `parleyd` binary running as a child process, as a user would start it.
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    let port: Int
    /// The second ready line's fingerprint, when serving TLS.
    let fingerprint: String?
    private let stdout = Pipe()
    private let stderr = Pipe()

    /// The directory holding the binaries `swift build` made for this test run.
    static var binaries: URL {
        // The test bundle lives beside the executables in the build folder.
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("parleyd").path), url.path != "/" {
            url.deleteLastPathComponent()
        }
        return url
    }

    /// Starts `parleyd 0 ARGUMENTS...` and waits (bounded) for its ready line.
    init(arguments: [String], workingDirectory: URL, plaintext: Bool = true) throws {
        process.executableURL = Self.binaries.appendingPathComponent("parleyd")
        process.arguments =
            ["0"] + arguments + ["--password-cost", "10", "--host", "127.0.0.1"]
            + (plaintext ? ["--insecure-plaintext"] : [])
        process.currentDirectoryURL = workingDirectory
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let line = try Self.readLine(from: stdout.fileHandleForReading, within: 20)
        guard let portText = line.split(separator: ":").last, let port = Int(portText),
            line.hasPrefix("parleyd listening on ")
        else {
            throw ProcessFailure("unexpected ready line: \(line)")
        }
        self.port = port
        let second = try Self.readLine(from: stdout.fileHandleForReading, within: 20)
        let prefix = "TLS certificate SHA-256 fingerprint: "
        fingerprint = second.hasPrefix(prefix) ? String(second.dropFirst(prefix.count)) : nil
    }

    /// Everything the server wrote to standard error; call after it exited.
    func standardErrorText() -> String {
        String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }

    func kill(_ signal: Int32) {
        Glibc.kill(process.processIdentifier, signal)
    }

    /// Waits (bounded) for the process to exit and returns its status.
    func waitForExit(within seconds: Double = 20) throws -> Int32 {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning {
            guard Date() < deadline else { throw ProcessFailure("parleyd did not exit") }
            usleep(20_000)
        }
        return process.terminationStatus
    }

    /// Reads bytes until a newline, failing after `seconds`.
    static func readLine(from handle: FileHandle, within seconds: Double) throws -> String {
        var bytes: [UInt8] = []
        let descriptor = handle.fileDescriptor
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let remaining = Int32(max(0, deadline.timeIntervalSinceNow) * 1000)
            guard poll(&poller, 1, remaining) > 0 else { throw ProcessFailure("no line within \(seconds) s") }
            var byte: UInt8 = 0
            guard read(descriptor, &byte, 1) == 1 else { throw ProcessFailure("stream ended before a line") }
            if byte == 0x0A { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
    }
}

struct ProcessFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
