import Foundation
import ParleyProcess
import ParleyProtocol
import ParleyTesting
import Testing

/// `parleyd --reset-password USER`: an operator gives a user who forgot their password a new one.
@Suite(.serialized) struct PasswordResetTests {
    /// One database for the restarts of a test.
    let directory = TestDirectory.fresh()

    /// Runs `parleyd --reset-password user` on the test's database with `input` on standard input.
    private func reset(_ user: String, input: String) throws -> Child.Finished {
        try Child.run(
            Binaries.parleyd,
            [
                "--database", directory.appendingPathComponent("parley.db").path, "--password-cost", "10",
                "--reset-password", user,
            ], input: input)
    }

    @Test func aLockedOutUserGetsANewPasswordAndTheLockIsLifted() throws {
        var server = try ServerBinary(directory: directory, extraArguments: ["--insecure-plaintext"])
        do {
            #expect(try LineSocket.loggedIn("alice", port: server.port, password: "forgotten").request(.logout).ok)
            let guesser = try LineSocket(port: server.port)
            #expect(try guesser.request(.hello(version: 1, client: "e2e")).ok)
            for guess in ["one", "two"] {
                #expect(try guesser.request(.login(username: "alice", password: guess)).error?.code == .wrongPassword)
            }
            #expect(try guesser.request(.login(username: "alice", password: "three")).error?.code == .accountLockedNow)
        }
        // Not while the server runs: it keeps the accounts in memory.
        let refused = try reset("alice", input: "n3w-pw\n")
        #expect(refused.status == 1)
        #expect(refused.errors.hasPrefix("parleyd: cannot reset the password: the database "))
        #expect(refused.errors.contains("is in use by another parleyd"))
        server.child.signal(SIGTERM)
        #expect(try server.child.waitForExit() == 0)

        let done = try reset("alice", input: "n3w-pw\n")
        #expect(done.status == 0)
        #expect(done.output == "The password of alice has been reset, and any lock on the account lifted.\n")
        #expect(done.errors.isEmpty)

        server = try ServerBinary(directory: directory, extraArguments: ["--insecure-plaintext"])
        let alice = try LineSocket(port: server.port)
        #expect(try alice.request(.hello(version: 1, client: "e2e")).ok)
        #expect(try alice.request(.login(username: "alice", password: "forgotten")).error?.code == .wrongPassword)
        #expect(try alice.request(.login(username: "alice", password: "n3w-pw")).ok)
        try server.stop()
    }

    @Test func anUnknownUserABadPasswordOrNoneChangeNothing() throws {
        let server = try ServerBinary(directory: directory, extraArguments: ["--insecure-plaintext"])
        #expect(try LineSocket.loggedIn("alice", port: server.port, password: "kept").request(.logout).ok)
        try server.stop()

        let unknown = try reset("nobody", input: "n3w-pw\n")
        #expect(unknown.status == 1)
        #expect(unknown.errors == "parleyd: cannot reset the password: there is no account named nobody\n")
        let spaced = try reset("alice", input: "two words\n")
        #expect(spaced.status == 1)
        #expect(
            spaced.errors
                == "parleyd: cannot reset the password: Error. Passwords are 1-128 characters without spaces\n")
        let none = try reset("alice", input: "")
        #expect(none.status == 1)
        #expect(none.errors == "parleyd: no new password given; nothing changed\n")

        let restarted = try ServerBinary(directory: directory, extraArguments: ["--insecure-plaintext"])
        #expect(try LineSocket.loggedIn("alice", port: restarted.port, password: "kept").request(.logout).ok)
        try restarted.stop()
    }

    @Test func withoutADatabaseNothingIsCreated() throws {
        let missing = try reset("alice", input: "n3w-pw\n")
        #expect(missing.status == 1)
        #expect(missing.errors.contains("there is no database at "))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("parley.db").path))
    }
}
