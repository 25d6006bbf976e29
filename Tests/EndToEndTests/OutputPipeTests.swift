import Foundation
import ParleyProcess
import ParleyProtocol
import ParleyTesting
import Testing

/// parleyd's output read through a pipe (`parleyd | tee log`, a log shipper) whose reader goes away: the
/// server carries on serving, and still stops cleanly.
@Suite struct OutputPipeTests {
    @Test func aReaderOfItsOutputThatGoesAwayDoesNotStopTheServer() throws {
        let directory = TestDirectory.fresh()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let port = try ServerBinary.unusedPort()
        // parleyd writes into a FIFO that `head` reads the first line of (the first log line) and leaves:
        // everything parleyd writes after that, the ready lines first, meets a pipe with no reader. (`Child`
        // starts it with SIGPIPE at its default, as a shell would.)
        let script = #"""
            mkfifo "$1"
            "$0" "$3" --host 127.0.0.1 --insecure-plaintext --password-cost 10 \
                --database "$2" >"$1" 2>&1 &
            echo "pid $!"
            head -n 1 <"$1"
            echo "head has gone"
            wait $!
            """#
        let output = Pipe()
        let shell = try Child(
            URL(fileURLWithPath: "/bin/sh"),
            [
                "-c", script, Binaries.parleyd.path, directory.appendingPathComponent("output").path,
                directory.appendingPathComponent("parley.db").path, "\(port)",
            ]
        ) { options in
            options.standardOutput = .pipe(output)
            options.standardError = .handle(.nullDevice)
        }
        let transcript = Transcript(reading: output.fileHandleForReading.fileDescriptor)
        try transcript.expect("head has gone")
        let pid = try #require(
            transcript.text.split(separator: "\n").first { $0.hasPrefix("pid ") }.flatMap { Int32($0.dropFirst(4)) })

        let alice = try LineSocket.connecting(port: port)
        #expect(try alice.request(.hello(version: 1, client: "e2e")).ok)
        #expect(try alice.request(.login(username: "alice", password: "pw")).error?.code == .newUser)
        #expect(try alice.request(.register(username: "alice", password: "pw", confirmation: "pw")).ok)
        #expect(try alice.request(.whoelse).ok)
        kill(pid, SIGTERM)
        #expect(try shell.waitForExit() == 0)
    }
}
