import Foundation
import ParleyProtocol
import ParleyTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Keys as a terminal sends them.
private enum Keys {
    static let enter = "\r"
    static let controlA = "\u{01}"
    static let controlC = "\u{03}"
    static let controlD = "\u{04}"
    static let controlE = "\u{05}"
    static let controlL = "\u{0C}"
    static let controlU = "\u{15}"
    static let controlZ = "\u{1A}"
    static let up = "\u{1B}[A"
    static let right = "\u{1B}[C"
    static let left = "\u{1B}[D"
    static let backspace = "\u{7F}"
    static let tab = "\t"
}

/// The built `parley` and `parleyd` binaries, used as a person (on a terminal) and a script (on pipes) would.
/// parleyd runs with TLS as shipped unless a test says otherwise.
@Suite("parley and parleyd binaries end to end", .serialized)
struct ClientBinaryTests {
    /// Registers `name` on a terminal client and waits for the command prompt.
    private func register(_ name: String, password: String, on client: TerminalClient) throws {
        try client.expect("Username: ")
        client.type(name + Keys.enter)
        try client.expect("Password: ")
        client.type(password + Keys.enter)
        try client.expect("This is a new user. Please confirm your password: ")
        client.type(password + Keys.enter)
        try client.expect(Texts.welcome + "\r\n")
        try client.expect("> ")
    }

    @Test func twoPeopleAtTerminals() throws {
        let server = try ServerBinary()
        defer { try? server.stop() }  // Already stopped at the end unless the test failed part way.
        let fingerprint = try #require(server.fingerprint)

        // alice meets the server for the first time and is asked whether to trust its certificate.
        let home = TestDirectory.fresh()
        let alice = try TerminalClient(port: server.port, configHome: home)
        // A line wider than the terminal (100 columns here) is wrapped by the client, its later rows indented.
        try alice.expect(
            "The server 127.0.0.1:\(server.port) is not known yet. Its TLS certificate's SHA-256 fingerprint is\r\n  "
                + fingerprint + "\r\n")
        try alice.expect("Trust this server and remember it? (yes/no): ")
        alice.type("yes" + Keys.enter)
        try register("alice", password: "s3cret-a", on: alice)
        let remembered = try String(contentsOf: home.appendingPathComponent("parley/known_hosts"), encoding: .utf8)
        #expect(remembered == "127.0.0.1:\(server.port) \(fingerprint)\n")

        // bob was told the fingerprint.
        let bob = try TerminalClient(port: server.port, arguments: ["--trust", fingerprint])
        try register("bob", password: "s3cret-b", on: bob)
        try alice.expect("bob logged in")

        // Passwords were never echoed.
        #expect(!alice.screen.text.contains("s3cret-a"))
        #expect(!bob.screen.text.contains("s3cret-b"))

        // A message arrives while alice is half-way through a line: it is printed above, and her line is
        // drawn again as it was, so she can finish it.
        alice.type("message bob hel")
        try alice.expect("> message bob hel")
        bob.type("message alice ping" + Keys.enter)
        try alice.expect("bob: ping\r\n\r> message bob hel\u{1B}[K")
        alice.type("lo" + Keys.enter)
        try bob.expect("alice: hello\r\n")

        // Editing keys: Ctrl-A, arrows, insert, Ctrl-E.
        alice.type("mesage bob hi" + Keys.controlA + Keys.right + Keys.right + "s" + Keys.controlE + "!" + Keys.enter)
        try bob.expect("alice: hi!\r\n")
        // Ctrl-U throws away the start of the line, backspace the character before the cursor.
        alice.type("message bob oops" + Keys.left + Keys.left + Keys.left + Keys.left + Keys.controlU)
        try alice.expect("\r> oops\u{1B}[K")
        alice.type(Keys.controlE + Keys.controlU + "whoelsee" + Keys.backspace + Keys.enter)
        try alice.expect("\r\nbob\r\n")
        // History: up recalls the last command.
        alice.type(Keys.up + Keys.enter)
        try alice.expect("\r\nbob\r\n")
        #expect(!alice.screen.text.contains("Error. Invalid command"))

        // Tab completes a command's name and, where it takes a USER, a user's name; where the choices differ
        // at once it shows them.
        alice.type("mess" + Keys.tab + "b" + Keys.tab + "completed" + Keys.enter)
        try bob.expect("alice: completed\r\n")
        alice.type("who" + Keys.tab)
        try alice.expect("> whoelse")
        alice.type(Keys.tab)
        try alice.expect("whoelse  whoelsesince\r\n")
        alice.type(Keys.controlU)
        // bob logged in after alice, so he heard of her from the who-list his client asked for at login.
        bob.type("message a" + Keys.tab + "via tab" + Keys.enter)
        try alice.expect("bob: via tab\r\n")

        // A private session answered with one y.
        alice.type("startprivate bob" + Keys.enter)
        try alice.expect("Waiting for bob to accept private messaging")
        try bob.expect("alice would like to private message, enter y or n: ")
        bob.type("y" + Keys.enter)
        try bob.expect("Start private messaging with alice")
        try alice.expect("Start private messaging with bob")
        alice.type("private bob just us" + Keys.enter)
        try bob.expect("alice (private): just us")
        #expect(!bob.screen.text.contains("Error. Invalid command"))

        // bob changes his password: what he answers is neither echoed nor kept in the history.
        bob.type("password" + Keys.enter)
        try bob.expect("Current password: ")
        bob.type("s3cret-b" + Keys.enter)
        try bob.expect("New password: ")
        bob.type("n3w-s3cret-b" + Keys.enter)
        try bob.expect("New password again: ")
        bob.type("n3w-s3cret-b" + Keys.enter)
        try bob.expect("Your password has been changed\r\n")
        bob.type(Keys.up)
        try bob.expect("> password")
        #expect(!bob.screen.text.contains("s3cret-b"))
        bob.type(Keys.controlU)

        // Ctrl-D logs out cleanly and gives the terminal back as it was.
        alice.type(Keys.controlD)
        try alice.expect("Goodbye\r\n")
        #expect(try alice.child.waitForExit() == 0)
        #expect(alice.settings.c_lflag & tcflag_t(ECHO | ICANON) == tcflag_t(ECHO | ICANON))
        try bob.expect("alice logged out, private messaging ended")

        // Ctrl-C does the same.
        bob.type("message alice half typed" + Keys.controlC)
        try bob.expect("Goodbye\r\n")
        #expect(try bob.child.waitForExit() == 0)
        #expect(bob.settings.c_lflag & tcflag_t(ECHO | ICANON) == tcflag_t(ECHO | ICANON))
        try server.stop()
    }

    /// A window made narrower: the half-typed line is drawn again at once to fit it, everything below the
    /// prompt cleared, instead of staying wider than the window until the next key. Ctrl-L draws it on a
    /// clear screen; once entered, it is shown whole.
    @Test func theLineBeingTypedIsRedrawnWhenTheWindowChangesSize() throws {
        let server = try ServerBinary(extraArguments: ["--insecure-plaintext"])
        defer { try? server.stop() }  // Already stopped at the end unless the test failed part way.
        let ivy = try TerminalClient(port: server.port, arguments: ["--insecure-plaintext"])
        try register("ivy", password: "s3cret-i", on: ivy)
        let typed = "message nobody " + String(repeating: "0123456789", count: 8)
        ivy.type(typed)
        try ivy.expect("\r> " + typed + "\u{1B}[K")  // All of it on the row, 97 columns of room.
        ivy.resize(columns: 40)
        // 40 columns, prompt of 2 and the last one kept empty: the last 37 characters typed.
        try ivy.expect("\r\u{1B}[J\r> " + typed.suffix(37) + "\u{1B}[K")
        // Ctrl-L clears the screen and draws the line again at its top.
        ivy.type(Keys.controlL)
        try ivy.expect("\u{1B}[H\u{1B}[2J\r> " + typed.suffix(37) + "\u{1B}[K")
        // Entered, the line is drawn again whole, so what stays above is what was sent.
        ivy.type(Keys.enter)
        let digits = typed.dropFirst(15)
        try ivy.expect(
            "\r\u{1B}[K> message nobody\r\n  " + digits.prefix(37) + "\r\n  " + digits.dropFirst(37).prefix(37)
                + "\r\n  " + digits.dropFirst(74) + "\r\n")
        try ivy.expect("Error. Invalid user")
        ivy.type("logout" + Keys.enter)
        try ivy.expect("Goodbye")
        #expect(try ivy.child.waitForExit() == 0)
    }

    /// Several lines pasted at the prompt stay in the line being typed, line breaks as spaces, until Enter:
    /// a pasted "logout" is text, not a command.
    @Test func pastedLinesAreOneLineThatWaitsForEnter() throws {
        let server = try ServerBinary(extraArguments: ["--insecure-plaintext"])
        defer { try? server.stop() }  // Already stopped at the end unless the test failed part way.
        let jay = try TerminalClient(port: server.port, arguments: ["--insecure-plaintext"])
        try jay.expect("\u{1B}[?2004h")  // Bracketed paste on.
        try register("jay", password: "s3cret-j", on: jay)
        let kim = try TerminalClient(port: server.port, arguments: ["--insecure-plaintext"])
        try register("kim", password: "s3cret-k", on: kim)
        try jay.expect("kim logged in")
        jay.type("message kim ")
        jay.type("\u{1B}[200~first line\r\nlogout\r\n\u{1B}[201~")
        try jay.expect("\r> message kim first line logout\u{1B}[K")
        jay.type(Keys.enter)
        try kim.expect("jay: first line logout")
        jay.type("logout" + Keys.enter)
        try jay.expect("Goodbye")
        try jay.expect("\u{1B}[?2004l")  // And off again for the shell.
        #expect(try jay.child.waitForExit() == 0)
        kim.type("logout" + Keys.enter)
        #expect(try kim.child.waitForExit() == 0)
    }

    /// The server restarts under a person at a terminal: the client says so, logs in again by itself, and
    /// the person goes on where they were.
    @Test func theClientReconnectsWhenTheServerRestarts() throws {
        let first = try ServerBinary()
        defer { try? first.stop() }  // Already stopped unless the test failed before.
        let fingerprint = try #require(first.fingerprint)
        let lee = try TerminalClient(port: first.port, arguments: ["--trust", fingerprint])
        try register("lee", password: "s3cret-l", on: lee)
        try first.stop()
        try lee.expect("The server is shutting down\r\n")
        try lee.expect("Reconnecting to 127.0.0.1:\(first.port) (Ctrl-C quits)\r\n")
        // A line entered meanwhile is kept, the prompt comes back, and the next line is half typed.
        lee.type("whoelse" + Keys.enter)
        try lee.expect("Not connected: this will be sent once the client has reconnected\r\n")
        try lee.expect("> ")
        lee.type("message nobody half")
        try lee.expect("half")
        let second = try restarted(first)
        defer { try? second.stop() }  // Already stopped at the end unless the test failed part way.
        #expect(second.fingerprint == fingerprint)  // The same certificate, so the same trust.
        try lee.expect("Reconnected to 127.0.0.1:\(first.port)\r\n")
        try lee.expect("No other users are online")  // the kept line's answer
        lee.type(" typed" + Keys.enter)  // the half-typed line was still there
        try lee.expect("Error. Invalid user")
        lee.type("whoelse" + Keys.enter)
        try lee.expect("No other users are online")
        lee.type("logout" + Keys.enter)
        try lee.expect("Goodbye")
        #expect(try lee.child.waitForExit() == 0)
        try second.stop()
    }

    /// Ctrl-Z gives the terminal back as the shell left it and stops the client as a job; continued (`fg`), it
    /// is raw again and the half-typed line is back.
    @Test func controlZStopsTheClientAndContinuingRedrawsTheLine() throws {
        let server = try ServerBinary(extraArguments: ["--insecure-plaintext"])
        defer { try? server.stop() }  // Already stopped at the end unless the test failed part way.
        let mia = try TerminalClient(port: server.port, arguments: ["--insecure-plaintext"])
        try register("mia", password: "s3cret-m", on: mia)
        mia.type("message nobody half")
        try mia.expect("\r> message nobody half\u{1B}[K")
        mia.type(Keys.controlZ)
        try mia.expect("\u{1B}[?2004l\r\n")
        try waitUntil(mia.child.pid, isStopped: true)
        #expect(mia.settings.c_lflag & tcflag_t(ICANON | ECHO) == tcflag_t(ICANON | ECHO))  // as the shell left it
        mia.child.signal(SIGCONT)
        try mia.expect("\u{1B}[?2004h\r> message nobody half\u{1B}[K")
        try waitUntil(mia.child.pid, isStopped: false)
        #expect(mia.settings.c_lflag & tcflag_t(ICANON | ECHO) == 0)  // raw again
        mia.type(Keys.enter)
        try mia.expect("Error. Invalid user")
        mia.type("logout" + Keys.enter)
        try mia.expect("Goodbye")
        #expect(try mia.child.waitForExit() == 0)
    }

    /// `server` started again in its directory on its port. Another test may hold that port for a moment (it
    /// was free, and a server or client of another test picked it): tried again for a few seconds.
    private func restarted(_ server: ServerBinary) throws -> ServerBinary {
        let deadline = ContinuousClock.now + .seconds(5)
        while true {
            do {
                return try ServerBinary(directory: server.directory, port: server.port)
            } catch  where ContinuousClock.now < deadline {
                usleep(50_000)  // paces the retries only
            }
        }
    }

    /// Waits (bounded) until process `pid` is stopped, or running again, as `/proc/PID/stat` tells.
    private func waitUntil(_ pid: pid_t, isStopped wanted: Bool) throws {
        let deadline = ContinuousClock.now + .seconds(15)
        while true {
            let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            // The state follows the command name, which is in parentheses: "PID (parley) T ...".
            let state = stat.split(separator: ")").last?.split(separator: " ").first
            if (state == "T") == wanted { return }
            guard ContinuousClock.now < deadline else {
                throw TimedOut("process \(pid) \(wanted ? "not stopped" : "still stopped"): \(stat)")
            }
            usleep(1000)  // /proc has no event to wait for; bounded by the deadline above.
        }
    }

    @Test func aScriptFromLoginToLogout() throws {
        let server = try ServerBinary()
        defer { try? server.stop() }  // Already stopped at the end unless the test failed part way.
        let trust = ["--trust", try #require(server.fingerprint)]
        let carol = try PipedClient(port: server.port, arguments: trust)
        carol.send("carol", "secret", "secret")
        try carol.expectLine("Username:")
        try carol.expectLine("Password:")
        try carol.expectLine("This is a new user. Please confirm your password:")
        try carol.expectLine(Texts.welcome)
        carol.send("whoelse")
        try carol.expectLine("No other users are online")
        carol.send("message dave hi")
        try carol.expectLine("Error. Invalid user")
        carol.send("message carol")
        try carol.expectLine("Error. Invalid command")
        try carol.expectLine("Usage: message USER TEXT")
        carol.endInput()
        try carol.expectLine("Goodbye")
        #expect(try carol.child.waitForExit() == 0)
        #expect(!carol.output.text.contains("\u{1B}"))

        // Commands given all at once are answered in order.
        let again = try PipedClient(port: server.port, arguments: trust)
        again.send("carol", "secret", "whoelsesince 60", "broadcast anyone?", "logout")
        try again.expectLine(Texts.welcome)
        try again.expectLine("No other users were online in the last 60 seconds")
        try again.expectLine("Goodbye")
        #expect(try again.child.waitForExit() == 0)
        try server.stop()
    }

    /// SIGTERM, or SIGHUP as when the terminal the client runs in is closed: a logout, not a dropped connection.
    @Test(arguments: [SIGTERM, SIGHUP]) func aSignalLogsOutCleanly(_ signal: Int32) throws {
        let server = try ServerBinary()
        defer { try? server.stop() }  // Already stopped at the end unless the test failed part way.
        let dave = try PipedClient(port: server.port, arguments: ["--trust", try #require(server.fingerprint)])
        dave.send("dave", "secret", "secret")
        try dave.expectLine(Texts.welcome)
        dave.child.signal(signal)
        try dave.expectLine("Goodbye")
        #expect(try dave.child.waitForExit() == 0)
        try server.stop()
        #expect(try server.log().contains("user=dave [ParleyServer] logged out (logout)"))
    }

    @Test func withoutTLSOnBothSidesAndTheServerGoingAway() throws {
        let server = try ServerBinary(extraArguments: ["--insecure-plaintext"])
        #expect(server.fingerprint == nil)
        let erin = try PipedClient(port: server.port, arguments: ["--insecure-plaintext"])
        erin.send("erin", "secret", "secret")
        try erin.expectLine(Texts.welcome)
        try server.stop()
        try erin.expectLine("The server is shutting down")
        #expect(try erin.child.waitForExit() == 0)
    }

    @Test func theServerLimitsHowManyAccountsOneAddressCreates() throws {
        let server = try ServerBinary(extraArguments: ["--insecure-plaintext", "--registrations-per-hour", "1"])
        defer { try? server.stop() }  // Already stopped at the end unless the test failed part way.
        let first = try PipedClient(port: server.port, arguments: ["--insecure-plaintext"])
        first.send("gina", "secret", "secret")
        try first.expectLine(Texts.welcome)
        let second = try PipedClient(port: server.port, arguments: ["--insecure-plaintext"])
        second.send("hank", "secret", "secret")
        try second.expectLine("Error. Too many new accounts from your address; please try again later")
        #expect(try second.child.waitForExit() == 1)
        try server.stop()
    }

    @Test func aScriptIsNotTrustedOnFirstContactWithoutTrust() throws {
        let server = try ServerBinary()
        defer { try? server.stop() }  // Already stopped at the end unless the test failed part way.
        let frank = try PipedClient(port: server.port, configHome: TestDirectory.fresh())
        frank.send("frank", "secret", "secret")
        try frank.expectLine("Trust this server and remember it? (yes/no):")
        try frank.expectLine("Not connecting to a server you did not trust")
        #expect(try frank.child.waitForExit() == 1)
        try server.stop()
    }

    @Test func aWrongFingerprintIsRefused() throws {
        let server = try ServerBinary()
        defer { try? server.stop() }  // Already stopped at the end unless the test failed part way.
        let wrong = String(repeating: "AB:", count: 31) + "AB"
        let frank = try PipedClient(port: server.port, arguments: ["--trust", wrong])
        try frank.expectLine(
            "Error. The server's TLS certificate has the fingerprint \(try #require(server.fingerprint)), not \(wrong) "
                + "as given with --trust")
        #expect(try frank.child.waitForExit() == 1)
        try server.stop()
    }

    @Test func aCertificateSignedByTheAuthorityGivenWithTrustCANeedsNoQuestion() throws {
        let authority = try PrivateAuthority(signingFor: "localhost")
        let server = try ServerBinary(
            extraArguments: ["--tls-cert", authority.certificateFile, "--tls-key", authority.keyFile])
        defer { try? server.stop() }  // Already stopped at the end unless the test failed part way.
        let home = TestDirectory.fresh()
        let grace = try PipedClient(
            port: server.port, arguments: ["--host", "localhost", "--trust-ca", authority.authorityFile],
            configHome: home)
        grace.send("grace", "secret", "secret", "logout")
        try grace.expectLine("Username:")
        try grace.expectLine(Texts.welcome)
        try grace.expectLine("Goodbye")
        #expect(try grace.child.waitForExit() == 0)
        #expect(!grace.output.text.contains("not known yet"))
        #expect(!FileManager.default.fileExists(atPath: home.appendingPathComponent("parley/known_hosts").path))

        // Without the authority the same server is a stranger, and a script does not trust strangers.
        let stranger = try PipedClient(port: server.port, arguments: ["--host", "localhost"], configHome: home)
        stranger.send("grace", "secret")
        try stranger.expectLine("Trust this server and remember it? (yes/no):")
        #expect(try stranger.child.waitForExit() == 1)
        try server.stop()
    }

    @Test func aTrustCAFileWithoutCertificatesIsRefusedAtOnce() throws {
        let empty = TestDirectory.fresh().appendingPathComponent("empty.pem")
        try FileManager.default.createDirectory(
            at: empty.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data().write(to: empty)
        let client = try PipedClient(port: 1, arguments: ["--trust-ca", empty.path])
        #expect(try client.child.waitForExit() == 64)
        try client.errors.expectLine(
            "Error: --trust-ca: cannot read certificates from \(empty.path): it holds no PEM certificate")
    }

    /// On IPv6: parleyd's ready line and the client's messages write the address in brackets, so the port
    /// cannot be taken for the address's last group.
    @Test(.enabled(if: LoopbackSocket.hasIPv6, "no IPv6 loopback on this machine"))
    func overIPv6TheAddressIsWrittenInBrackets() throws {
        let server = try ServerBinary(host: "::1", extraArguments: ["--insecure-plaintext"])
        #expect(server.output.text.hasPrefix("parleyd listening on [::1]:\(server.port)\n"))
        let ivy = try PipedClient(port: server.port, arguments: ["--host", "::1", "--insecure-plaintext"])
        ivy.send("ivy", "secret", "secret", "whoelse", "logout")
        try ivy.expectLine(Texts.welcome)
        try ivy.expectLine("No other users are online")
        try ivy.expectLine("Goodbye")
        #expect(try ivy.child.waitForExit() == 0)
        try server.stop()
        let late = try PipedClient(port: server.port, arguments: ["--host", "::1", "--insecure-plaintext"])
        #expect(try late.child.waitForExit() == 1)
        try late.errors.expectLine("Cannot connect to [::1]:\(server.port): Connection refused")
    }

    @Test func noServerToConnectTo() throws {
        let server = try ServerBinary()
        let port = server.port
        try server.stop()
        let client = try PipedClient(port: port)
        #expect(try client.child.waitForExit() == 1)
        try client.errors.expectLine("Cannot connect to 127.0.0.1:\(port): Connection refused")
        #expect(client.output.text.isEmpty)
    }
}
