import Foundation
import ParleyProcess
import ParleyProtocol
import ParleyTesting
import Testing

@Suite struct ShutdownAndImportTests {
    /// One database for the restarts of a test.
    let directory = TestDirectory.fresh()

    @Test func sigtermTellsClientsAndExitsZero() throws {
        let server = try ServerBinary(directory: directory, extraArguments: ["--insecure-plaintext"])
        let alice = try LineSocket(port: server.port)
        #expect(try alice.request(.hello(version: 1, client: "e2e")).ok)
        #expect(try alice.request(.login(username: "alice", password: "pw")).error?.code == .newUser)
        #expect(try alice.request(.register(username: "alice", password: "pw", confirmation: "pw")).ok)
        server.child.signal(SIGTERM)
        #expect(try alice.nextEvent() == .loggedOut(reason: .shutdown))
        #expect(try server.child.waitForExit() == 0)
    }

    /// Stopped while a password is being checked (slow hashing makes the check last), parleyd still stops
    /// cleanly: the check's answer finds the event loop there, or is dropped, never a SwiftNIO complaint.
    @Test func aStopWhileAPasswordIsCheckedIsClean() throws {
        let server = try ServerBinary(
            directory: directory, extraArguments: ["--insecure-plaintext", "--password-cost", "16"])
        _ = try LineSocket.loggedIn("alice", port: server.port)
        let again = try LineSocket.connecting(port: server.port)
        #expect(try again.request(.hello(version: 1, client: "e2e")).ok)
        try again.sendRaw(#"{"id":9,"op":"login","username":"alice","password":"guess"}"# + "\n")
        server.child.signal(SIGTERM)
        #expect(try server.child.waitForExit() == 0)
        let log = try server.log()
        #expect(!log.contains("EventLoop"), "\(log)")
    }

    @Test func aHangupStopsItGracefullyUnlessItWasStartedToIgnoreOne() throws {
        // Its terminal closed: users are told, the store is closed, exit 0.
        let server = try ServerBinary(directory: directory, extraArguments: ["--insecure-plaintext"])
        let alice = try LineSocket.loggedIn("alice", port: server.port)
        server.child.signal(SIGHUP)
        #expect(try alice.nextEvent() == .loggedOut(reason: .shutdown))
        #expect(try server.child.waitForExit() == 0)

        // Under nohup it goes on serving.
        let kept = try ServerBinary(
            directory: directory, extraArguments: ["--insecure-plaintext"], ignoringHangup: true)
        let bob = try LineSocket.loggedIn("bob", port: kept.port)
        kept.child.signal(SIGHUP)
        #expect(try bob.request(.whoelse).ok)
        kept.child.signal(SIGTERM)
        #expect(try bob.nextEvent() == .loggedOut(reason: .shutdown))
        #expect(try kept.child.waitForExit() == 0)
    }

    @Test func aStoppedServerLeavesEverythingInTheDatabaseFileAlone() throws {
        let server = try ServerBinary(directory: directory, extraArguments: ["--insecure-plaintext"])
        let alice = try LineSocket.loggedIn("alice", port: server.port, password: "pw-alice")
        #expect(try LineSocket.loggedIn("bob", port: server.port).request(.logout).ok)
        #expect(try alice.request(.message(to: "bob", text: "kept for you")).ok)
        try server.stop()
        let database = server.databaseFile.path
        #expect(!FileManager.default.fileExists(atPath: database + "-wal"))

        // What an operator copies as a backup once the server has stopped: the one file.
        let backup = TestDirectory.fresh()
        try FileManager.default.createDirectory(at: backup, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: database, toPath: backup.appendingPathComponent("parley.db").path)
        let restored = try ServerBinary(directory: backup, extraArguments: ["--insecure-plaintext"])
        #expect(try LineSocket.waitingTexts(for: "bob", port: restored.port) == ["kept for you"])
        try restored.stop()
    }

    @Test func aSecondParleydOnTheSameDatabaseExitsWithTheReason() throws {
        let server = try ServerBinary(directory: directory, extraArguments: ["--insecure-plaintext"])
        let database = server.databaseFile.path
        let errors = Pipe()
        let second = try Child(
            Binaries.parleyd, ["0", "--host", "127.0.0.1", "--database", database, "--insecure-plaintext"]
        ) { options in
            options.standardError = .pipe(errors)
            options.standardOutput = .handle(.nullDevice)
        }
        #expect(try second.waitForExit() == 1)
        let reason = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(
            reason
                == "parleyd: cannot start: the database \(database) is in use by another parleyd (process "
                + "\(server.child.pid)); stop that one first, or give this one another "
                + "--database\n"
        )
        // Once the first has stopped, the database is free, even though its lock file stays.
        server.child.signal(SIGTERM)
        #expect(try server.child.waitForExit() == 0)
        #expect(FileManager.default.fileExists(atPath: database + ".lock"))
        let restarted = try ServerBinary(directory: directory, extraArguments: ["--insecure-plaintext"])
        try restarted.stop()
    }

    /// A symbolic link to the database is the same database: the second server is refused, rather than
    /// serving the same waiting messages a second time.
    @Test func aSecondParleydThroughASymbolicLinkIsRefusedToo() throws {
        let server = try ServerBinary(directory: directory, extraArguments: ["--insecure-plaintext"])
        let link = directory.appendingPathComponent("link.db").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: server.databaseFile.path)
        let errors = Pipe()
        let second = try Child(
            Binaries.parleyd, ["0", "--host", "127.0.0.1", "--database", link, "--insecure-plaintext"]
        ) {
            options in
            options.standardError = .pipe(errors)
            options.standardOutput = .handle(.nullDevice)
        }
        #expect(try second.waitForExit() == 1)
        let reason = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(reason.contains("the database \(link) is in use by another parleyd (process \(server.child.pid))"))
        try server.stop()
    }

    @Test func credentialsFromThePrototypeAreImportedHashed() throws {
        let credentials = directory.appendingPathComponent("credentials.txt")
        try "hans falcon*solo\nyoda wise@!man\nbad line with three\n".write(
            to: credentials, atomically: true, encoding: .utf8)
        let server = try ServerBinary(
            directory: directory,
            extraArguments: ["--insecure-plaintext", "--credentials", credentials.path, "--no-registration"])
        let hans = try LineSocket(port: server.port)
        #expect(try hans.request(.hello(version: 1, client: "e2e")).ok)
        #expect(try hans.request(.login(username: "hans", password: "wrong")).error?.code == .wrongPassword)
        #expect(try hans.request(.login(username: "hans", password: "falcon*solo")).ok)
        let stranger = try LineSocket(port: server.port)
        #expect(try stranger.request(.hello(version: 1, client: "e2e")).ok)
        #expect(try stranger.request(.login(username: "luke", password: "x")).error?.code == .invalidUser)
        server.child.signal(SIGTERM)
        #expect(try server.child.waitForExit() == 0)
        let database = try Data(contentsOf: server.databaseFile)
        #expect(database.range(of: Data("falcon*solo".utf8)) == nil)
        #expect(database.range(of: Data("wise@!man".utf8)) == nil)
        // The operator is told what to do with the file of plain-text passwords.
        #expect(try server.log().contains("\(credentials.path) holds passwords in plain text; the database has them"))
    }

    @Test func logsNeverContainPasswordsOrMessageText() throws {
        let server = try ServerBinary(
            directory: directory, extraArguments: ["--insecure-plaintext", "--log-level", "info"])
        for (name, password) in [("alice", "sesame-alice"), ("bob", "sesame-bob")] {
            let socket = try LineSocket(port: server.port)
            #expect(try socket.request(.hello(version: 1, client: "e2e")).ok)
            _ = try socket.request(.login(username: name, password: "wrong-\(password)"))
            #expect(try socket.request(.register(username: name, password: password, confirmation: password)).ok)
            #expect(try socket.request(.logout).ok)
        }
        let alice = try LineSocket(port: server.port)
        #expect(try alice.request(.hello(version: 1, client: "e2e")).ok)
        #expect(try alice.request(.login(username: "alice", password: "wrong")).error?.code == .wrongPassword)
        #expect(try alice.request(.login(username: "alice", password: "sesame-alice")).ok)
        #expect(try alice.request(.message(to: "bob", text: "top-secret-text")).ok)
        server.child.signal(SIGTERM)
        #expect(try server.child.waitForExit() == 0)
        let logs = try server.log()
        #expect(logs.contains("logged in"))
        // Where a wrong password came from is in its line.
        #expect(
            logs.split(separator: "\n").contains { $0.contains("wrong password") && $0.contains("address=127.0.0.1") })
        for secret in ["sesame-alice", "sesame-bob", "top-secret-text"] {
            #expect(!logs.contains(secret), "\(secret) appears in the logs")
        }
    }
}
