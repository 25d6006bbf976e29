import Foundation
import ParleyProtocol
import ParleyTesting
import Testing

/// A whole session with the shipped binaries (a password change included), parleyd logging at its most
/// verbose: afterwards no password and
/// no private text may appear in the database files or in any line any process wrote, except where a private
/// text is shown to the user it was meant for. (Direct messages are stored for offline users by design, so
/// only passwords and private text are searched for.)
@Suite("No secrets in clear", .serialized)
struct NoSecretsInClearTests {
    private static let alicePassword = "Pw-alice-7Rq2x"
    private static let bobPassword = "Pw-bob-K9m4w"
    private static let bobNewPassword = "Pw-bob-new-Z3t8v"
    private static let directText = "PRIVATE-kumquat-31 over the direct path"
    private static let directReply = "PRIVATE-persimmon-77 back over it"
    private static let relayedText = "PRIVATE-tamarind-52 through the relay"
    private static let relayedReply = "PRIVATE-loquat-08 back through it"
    private static var secrets: [String] {
        [alicePassword, bobPassword, bobNewPassword, directText, directReply, relayedText, relayedReply]
            + ["kumquat", "persimmon", "tamarind", "loquat"]
    }

    @Test func aSessionWithTraceLoggingLeavesNoPasswordOrPrivateTextAnywhere() throws {
        let server = try ServerBinary(extraArguments: ["--log-level", "trace"])
        defer { try? server.stop() }  // Already stopped at the end unless the test failed part way.
        let trust = ["--trust", try #require(server.fingerprint)]

        let alice = try PipedClient(port: server.port, arguments: trust)
        alice.send("alice", Self.alicePassword, Self.alicePassword)
        try alice.expectLine(Texts.welcome)
        let bob = try PipedClient(port: server.port, arguments: trust)
        bob.send("bob", Self.bobPassword, Self.bobPassword)
        try bob.expectLine(Texts.welcome)
        try alice.expectLine("bob logged in")
        alice.send("message bob a direct message, stored or delivered by the server")
        try bob.expectLine("alice: a direct message, stored or delivered by the server")

        // A private session over the direct connection.
        alice.send("startprivate bob")
        try bob.expectLine("alice would like to private message, enter y or n: ")
        bob.send("y")
        try alice.expectLine("Start private messaging with bob")
        try alice.expectLine("Private messaging with bob goes directly between you")
        try bob.expectLine("Private messaging with alice goes directly between you")
        alice.send("private bob \(Self.directText)")
        try bob.expectLine("alice (private): \(Self.directText)")
        bob.send("private alice \(Self.directReply)")
        try alice.expectLine("bob (private): \(Self.directReply)")
        bob.send("stopprivate alice")
        try alice.expectLine("Private messaging with bob has ended")
        try bob.expectLine("Private messaging with alice has ended")
        // bob changes his password: the new one may not show up anywhere either.
        bob.send("password", Self.bobPassword, Self.bobNewPassword, Self.bobNewPassword)
        try bob.expectLine("Your password has been changed")
        alice.send("logout")
        try alice.expectLine("Goodbye")
        #expect(try alice.child.waitForExit() == 0)

        // A relayed one: alice tells peers a port nobody listens on, so bob's direct attempt fails.
        let closed = try ServerBinary.unusedPort()
        let relayedAlice = try PipedClient(port: server.port, arguments: trust + ["--private-port", String(closed)])
        relayedAlice.send("alice", Self.alicePassword)
        try relayedAlice.expectLine(Texts.welcome)
        try bob.expectLine("alice logged in")
        relayedAlice.send("startprivate bob")
        try bob.expectLine("alice would like to private message, enter y or n: ")
        bob.send("y")
        try relayedAlice.expectLine(
            "Private messaging with bob is relayed through the server (still end-to-end encrypted)")
        try bob.expectLine("Private messaging with alice is relayed through the server (still end-to-end encrypted)")
        relayedAlice.send("private bob \(Self.relayedText)")
        try bob.expectLine("alice (private): \(Self.relayedText)")
        bob.send("private alice \(Self.relayedReply)")
        try relayedAlice.expectLine("bob (private): \(Self.relayedReply)")
        relayedAlice.send("logout")
        try relayedAlice.expectLine("Goodbye")
        try bob.expectLine("alice logged out, private messaging ended")
        bob.send("logout")
        try bob.expectLine("Goodbye")
        #expect(try relayedAlice.child.waitForExit() == 0)
        #expect(try bob.child.waitForExit() == 0)
        try server.stop()
        try server.output.waitForEnd()
        try server.errors.waitForEnd()

        // parleyd did log at trace level, and nothing it wrote holds a secret.
        #expect(server.errors.text.contains(" debug "))
        #expect(server.errors.text.contains("user=alice"))
        for (name, text) in [("parleyd stdout", server.output.text), ("parleyd log", server.errors.text)] {
            for secret in Self.secrets { #expect(!text.contains(secret), "\(name) contains \(secret)") }
        }
        // The database and its journal files, byte for byte.
        let files = try FileManager.default.contentsOfDirectory(atPath: server.directory.path)
            .filter { $0.hasPrefix("parley.db") }
        #expect(files.contains("parley.db"))
        // The right files: the accounts are in there (by name only).
        let database =
            try Data(contentsOf: server.directory.appendingPathComponent("parley.db"))
            + ((try? Data(contentsOf: server.directory.appendingPathComponent("parley.db-wal"))) ?? Data())
        #expect(database.range(of: Data("alice".utf8)) != nil)
        for file in files {
            let bytes = try Data(contentsOf: server.directory.appendingPathComponent(file))
            for secret in Self.secrets {
                #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(file) contains \(secret)")
            }
        }
        // The clients: passwords never shown (input off a terminal is not echoed); private text only in the
        // one line showing it to the user it was sent to; nothing on standard error.
        let shown: [(String, PipedClient, [String])] = [
            ("alice", alice, ["bob (private): \(Self.directReply)"]),
            ("alice, relayed", relayedAlice, ["bob (private): \(Self.relayedReply)"]),
            ("bob", bob, ["alice (private): \(Self.directText)", "alice (private): \(Self.relayedText)"]),
        ]
        for (name, client, expected) in shown {
            try client.output.waitForEnd()
            try client.errors.waitForEnd()
            let lines = client.output.text.split(separator: "\n").map(String.init)
            #expect(lines.filter { line in Self.secrets.contains { line.contains($0) } } == expected, "\(name)")
            #expect(client.errors.text.isEmpty, "\(name) wrote to standard error")
        }
    }
}
