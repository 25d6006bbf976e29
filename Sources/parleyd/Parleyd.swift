import ArgumentParser
import Foundation
import Logging
import ParleyCore
import ParleyPostgres
import ParleyProcess
import ParleyProtocol
import ParleyServer
import ParleyStore
import ServiceLifecycle

/// `parleyd [PORT [BLOCK_DURATION [TIMEOUT]]] [options]`: the Parley chat server (SPEC section 1).
@main
struct Parleyd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parleyd",
        abstract: "The Parley chat server.",
        discussion: "The prototype's `server 4000 60 120` is `parleyd 4000 60 120`.")

    @Argument(help: ArgumentHelp("TCP port (0 picks a free one); default 4000.", valueName: "PORT")) var positionalPort:
        Int?
    @Argument(
        help: ArgumentHelp(
            "Seconds an account stays locked after 3 wrong passwords; default 60.", valueName: "BLOCK_DURATION"))
    var positionalBlockDuration: Int?
    @Argument(
        help: ArgumentHelp(
            "Seconds without a command before a user is logged out (0 disables); default 120.", valueName: "TIMEOUT"))
    var positionalTimeout: Int?

    @Option(name: .customLong("port"), help: "TCP port; default 4000.") var portOption: Int?
    @Option(name: .customLong("block-duration"), help: "Lockout in seconds; default 60.") var blockDurationOption: Int?
    @Option(name: .customLong("timeout"), help: "Inactivity timeout in seconds; default 120, 0 disables.")
    var timeoutOption: Int?
    @Option(help: "Address to listen on.") var host = "0.0.0.0"
    @Option(
        help: ArgumentHelp(
            "TLS certificate chain (PEM). Without it parleyd makes a self-signed one beside the database file "
                + "(in the working directory for a PostgreSQL database)."))
    var tlsCert: String?
    @Option(help: "TLS private key (PEM) for --tls-cert.") var tlsKey: String?
    @Flag(help: "Serve without TLS: passwords and messages cross the network readable. For local experiments only.")
    var insecurePlaintext = false
    @Option(
        help: ArgumentHelp(
            "SQLite database file (created and migrated on first start), or a PostgreSQL database as "
                + "postgres://USER@HOST[:PORT]/DATABASE[?sslmode=MODE&sslrootcert=FILE] (password from PGPASSWORD).",
            valueName: "FILE|URL"))
    var database = "parley.db"
    @Option(help: "Import accounts from a prototype credentials.txt (`username password` per line).") var credentials:
        String?
    @Flag(help: "Refuse unknown usernames instead of registering them.") var noRegistration = false
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel: Logger.Level = .info
    @Option(help: "Failed or pending logins allowed per client address per minute; 0 turns the limit off.")
    var loginAttemptsPerMinute = 10
    @Option(help: "New accounts that one client address may register per hour; 0 turns the limit off.")
    var registrationsPerHour = 30
    @Option(help: "Requests per second one connection may send (bursts of twice that); 0 turns the limit off.")
    var commandRate = 100
    @Option(help: "Connections that may wait to log in at once.") var maxPendingLogins = 1000
    @Option(help: "Messages that may wait for one offline user, and from one sender; 0 turns the limit off.")
    var maxWaitingMessages = 10_000
    @Option(help: "Megabytes of memory all waiting messages together may take; 0 turns the limit off.")
    var maxWaitingMegabytes = 1024
    @Option(help: "Seconds a connection may take to log in; 0 turns the limit off.") var loginDeadline = 30
    @Option(help: "Days the login history is kept (each user's last login always is); 0 keeps all of it.")
    var loginHistoryDays = 90
    @Option(
        help: ArgumentHelp(
            "Give USER a new password (asked for on a terminal, otherwise read from standard input), lift any lock "
                + "on the account, and exit. Not while a parleyd serves the database.", valueName: "USER"))
    var resetPassword: String?
    @Option(
        help: ArgumentHelp(
            "Write a consistent copy of the database to FILE (a new file, readable by its owner only) and exit. "
                + "Works while a parleyd serves the database.", valueName: "FILE"))
    var backup: String?
    @Option(help: "Serve Prometheus metrics at http://METRICS_HOST:PORT/metrics (0 picks a free port); off by default.")
    var metricsPort: Int?
    @Option(help: "Address for --metrics-port; default 127.0.0.1, this machine only.") var metricsHost = "127.0.0.1"
    @Option(help: .hidden) var passwordCost: Int = 14

    /// `--database` read: a PostgreSQL URL, or else a file (a URL that cannot be used is refused in `validate`).
    private var databaseLocation: DatabaseLocation {
        get throws { try DatabaseLocation(argument: database) }
    }

    /// Ten years: the most BLOCK_DURATION, TIMEOUT (whose timer is set again if it fires early) and the login
    /// history may say.
    static let longestDuration = 10 * 365 * 24 * 3600
    /// The most any rate option may say: far beyond what one server handles, and safe to double.
    static let largestRate = 100_000_000

    func validate() throws {
        for (name, positional, flag) in [
            ("port", positionalPort, portOption), ("block duration", positionalBlockDuration, blockDurationOption),
            ("timeout", positionalTimeout, timeoutOption),
        ] where positional != nil && flag != nil && positional != flag {
            throw ValidationError("The \(name) is given twice with different values.")
        }
        if let port = positionalPort ?? portOption, !(0...65535).contains(port) {
            throw ValidationError("PORT must be between 0 and 65535.")
        }
        if let port = metricsPort, !(0...65535).contains(port) {
            throw ValidationError("--metrics-port must be between 0 and 65535.")
        }
        if metricsPort == nil, metricsHost != "127.0.0.1" {
            throw ValidationError("--metrics-host needs --metrics-port (metrics are off without one).")
        }
        for (name, seconds, longest, inWords) in [
            ("BLOCK_DURATION", positionalBlockDuration ?? blockDurationOption, Self.longestDuration, "ten years"),
            ("TIMEOUT", positionalTimeout ?? timeoutOption, Self.longestDuration, "ten years"),
            // Its timer is not checked again when it fires, and the hub sets none more than a year ahead.
            ("--login-deadline", loginDeadline, 365 * 24 * 3600, "a year"),
        ] {
            guard let seconds else { continue }
            guard seconds >= 0 else { throw ValidationError("\(name) must not be negative.") }
            guard seconds <= longest else {
                throw ValidationError("\(name) must be at most \(longest) seconds (\(inWords)).")
            }
        }
        if backup != nil, resetPassword != nil {
            throw ValidationError("--backup and --reset-password exclude each other.")
        }
        do {
            if case .postgres = try databaseLocation, backup != nil {
                throw ValidationError(
                    "--backup copies an SQLite database; back up a PostgreSQL database with pg_dump.")
            }
        } catch let error as PostgresLocation.Invalid {
            throw ValidationError("--database: \(error)")
        }
        if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together.") }
        if insecurePlaintext, tlsCert != nil {
            throw ValidationError("--insecure-plaintext and --tls-cert exclude each other.")
        }
        for (name, value, largest) in [
            ("--login-attempts-per-minute", loginAttemptsPerMinute, Self.largestRate),
            ("--registrations-per-hour", registrationsPerHour, Self.largestRate),
            ("--command-rate", commandRate, Self.largestRate),
            ("--max-waiting-messages", maxWaitingMessages, Int(Int32.max)),
            ("--max-waiting-megabytes", maxWaitingMegabytes, Int(Int32.max)),
            ("--login-history-days", loginHistoryDays, Self.longestDuration / (24 * 3600)),
        ] {
            guard value >= 0 else { throw ValidationError("\(name) must not be negative.") }
            guard value <= largest else { throw ValidationError("\(name) must be at most \(largest).") }
        }
        guard (1...Int(Int32.max)).contains(maxPendingLogins) else {
            throw ValidationError("--max-pending-logins must be at least 1 (and at most \(Int32.max)).")
        }
        guard (10...20).contains(passwordCost) else {
            throw ValidationError("--password-cost must be between 10 and 20.")
        }
    }

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)  // See `Output`.
        _ = Self.hangupIsIgnored
        if let user = resetPassword { return try reset(user) }
        if let target = backup { return try backUp(to: target) }
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "parleyd")

        var configuration = ServerConfiguration()
        configuration.host = host
        configuration.port = positionalPort ?? portOption ?? 4000
        configuration.database = try databaseLocation
        if insecurePlaintext {
            configuration.transport = .plaintext
        } else if let tlsCert, let tlsKey {
            configuration.transport = .tls(certificatePath: tlsCert, keyPath: tlsKey)
        }
        configuration.credentialsFile = credentials
        configuration.metricsPort = metricsPort
        configuration.metricsHost = metricsHost
        configuration.loginHistoryRetention = loginHistoryDays == 0 ? nil : TimeInterval(loginHistoryDays) * 24 * 3600
        configuration.core.blockDuration = TimeInterval(positionalBlockDuration ?? blockDurationOption ?? 60)
        let timeout = positionalTimeout ?? timeoutOption ?? 120
        configuration.core.inactivityTimeout = timeout == 0 ? nil : TimeInterval(timeout)
        configuration.core.registrationEnabled = !noRegistration
        configuration.core.loginAttemptsPerAddress =
            loginAttemptsPerMinute == 0
            ? nil : RateLimit(burst: Double(loginAttemptsPerMinute), perSecond: Double(loginAttemptsPerMinute) / 60)
        configuration.core.registrationsPerAddress =
            registrationsPerHour == 0
            ? nil : RateLimit(burst: Double(registrationsPerHour), perSecond: Double(registrationsPerHour) / 3600)
        configuration.core.commandRate =
            commandRate == 0 ? nil : RateLimit(burst: Double(2 * commandRate), perSecond: Double(commandRate))
        configuration.core.maxUnauthenticatedConnections = maxPendingLogins
        configuration.core.maxWaitingMessages = maxWaitingMessages == 0 ? nil : maxWaitingMessages
        configuration.core.maxWaitingBytes = maxWaitingMegabytes == 0 ? nil : maxWaitingMegabytes << 20
        configuration.core.loginDeadline = loginDeadline == 0 ? nil : TimeInterval(loginDeadline)
        configuration.passwordHasher = PasswordHasher(rounds: 1 << passwordCost, blockSize: 8, parallelism: 1)

        let server: ParleyServer
        do {
            server = try await ParleyServer.start(configuration: configuration, logger: logger)
        } catch {
            Output.complain("parleyd: cannot start: \(error)\n")
            throw ExitCode.failure
        }
        var ready = "parleyd listening on \(Texts.endpoint(host: host, port: server.port))\n"
        if let fingerprint = server.tlsFingerprint {
            ready += "TLS certificate SHA-256 fingerprint: \(fingerprint)\n"
        } else {
            ready += "TLS is off (--insecure-plaintext): do not use this on a network you do not control\n"
        }
        if let port = server.metricsPort {
            ready += "metrics at http://\(Texts.endpoint(host: metricsHost, port: port))/metrics\n"
        }
        let readyLines = ready

        let group = ServiceGroup(
            services: [ParleyService(server: server) { Output.say(readyLines) }],
            gracefulShutdownSignals: Self.hangupIsIgnored ? [.sigterm, .sigint] : [.sigterm, .sigint, .sighup],
            logger: logger)
        try await group.run()
    }
}

extension Parleyd {
    /// `--reset-password USER`: the operator's way back in for a user who forgot their password.
    private func reset(_ user: String) throws {
        guard let password = Self.readNewPassword(for: user) else { throw ExitCode.failure }
        do {
            try PasswordReset.run(
                name: user, password: password, database: try databaseLocation,
                hasher: PasswordHasher(rounds: 1 << passwordCost, blockSize: 8, parallelism: 1))
        } catch {
            Output.complain("parleyd: cannot reset the password: \(error)\n")
            throw ExitCode.failure
        }
        print("The password of \(user) has been reset, and any lock on the account lifted.")
    }

    /// Whether parleyd was started with SIGHUP ignored (`nohup`), checked before anything handles it. If not,
    /// a hangup (the terminal parleyd runs in is closed) stops it gracefully, as SIGTERM does, instead of
    /// killing it without a word to its users; under `nohup` it goes on serving, as asked.
    private static let hangupIsIgnored = SignalDisposition.isIgnored(SIGHUP)

    /// `--backup FILE`: a copy of the database that parleyd can start on, taken without stopping the server.
    private func backUp(to target: String) throws {
        let summary: DatabaseBackup.Summary
        do {
            summary = try DatabaseBackup.run(databasePath: database, to: target)
        } catch {
            Output.complain("parleyd: cannot back up the database: \(error)\n")
            throw ExitCode.failure
        }
        let accounts = summary.accounts == 1 ? "1 account" : "\(summary.accounts) accounts"
        let waiting =
            summary.waitingMessages == 1 ? "1 waiting message" : "\(summary.waitingMessages) waiting messages"
        print("\(database) backed up to \(target): \(accounts), \(waiting).")
    }

    /// Asked twice without echo on a terminal (`getpass`); one line from standard input otherwise, as a
    /// script gives it. `nil`, with the reason on standard error, when none was given or the two differ.
    private static func readNewPassword(for user: String) -> String? {
        let given: String?
        if isatty(STDIN_FILENO) == 1 {
            let first = getpass("New password for \(user): ").map { String(cString: $0) }
            let second = getpass("The same again: ").map { String(cString: $0) }
            guard first == second else {
                Output.complain("parleyd: the two passwords differ; nothing changed\n")
                return nil
            }
            given = first
        } else {
            given = readLine(strippingNewline: true)
        }
        guard let given else {
            Output.complain("parleyd: no new password given; nothing changed\n")
            return nil
        }
        return given
    }
}

// `--log-level` takes swift-log's levels by name; neither library can declare this for the other.
// swift-format-ignore: AvoidRetroactiveConformances
extension Logger.Level: @retroactive ExpressibleByArgument {}
