import ArgumentParser
import Foundation
import ParleyBench

/// `parley-bench`: drives a running chat server (Parley or IRC) with many clients over loopback and reports
/// throughput, latency, CPU per delivered message and memory. See docs/BENCHMARKS.md.
@main
struct ParleyBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parley-bench",
        abstract: "Load generator and comparison for Parley and IRC servers.",
        subcommands: [Run.self, Table.self, Hiccups.self, Worker.self],
        defaultSubcommand: Run.self)
}

/// Runs one scenario against one server.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run one scenario against a running server.")

    @Argument(help: "Scenario: idle, dm, fanout, offline, login.") var scenario: ScenarioKind
    @Option(help: "Protocol: parley or irc.") var wire: WireKind = .parley
    @Option(help: "Server address.") var host = "127.0.0.1"
    @Option(help: "Server port.") var port: Int
    @Flag(help: "Connect over TLS, Parley's default transport (the certificate is not checked).") var tls = false
    @Option(help: "Server process id, for CPU time and memory from /proc.") var pid: Int32?
    @Option(help: "Server name in reports.") var label = "server"
    @Option(help: "Row name in reports (default: the scenario).") var variant: String?
    @Option(help: "Simulated users in all processes.") var clients = 1000
    @Option(help: "Bench processes to spread the clients over.") var processes = 1
    @Option(help: "Offered messages per second in all (0: as fast as the window allows).") var rate: Double = 0
    @Option(help: "Messages in flight per client when --rate is 0.") var window = 4
    @Option(help: "Broadcasting users (fanout) or sending users (offline).") var senders = 5
    @Option(help: "Seconds before measuring.") var warmup = 2.0
    @Option(help: "Seconds measured.") var duration = 10.0
    @Option(help: "Bytes of text per message.") var textLength = 48
    @Option(help: "Logins in flight at once while connecting.") var connectConcurrency = 200
    @Option(help: "offline: messages queued for the offline user.") var offlineMessages = 100_000
    @Option(help: "login: users logging in at once.") var stormLogins = 200
    @Flag(help: "login: the storm's users come back after a dropped connection, with their resume tokens.")
    var resume = false
    @Option(help: "login: users online exchanging messages meanwhile.") var onlineUsers = 100
    @Option(help: "Username prefix (default: fresh per run).") var namePrefix: String?
    @Flag(help: "idle on Parley: the accounts PREFIX0... exist already (parleyd --credentials).")
    var accountsExist = false
    @Option(help: "Also write the report as JSON to this file.") var json: String?

    func validate() throws {
        if scenario == .fanout, rate <= 0 { throw ValidationError("fanout needs --rate (broadcasts per second).") }
        if tls, wire != .parley {
            throw ValidationError("--tls is for Parley; the IRC peers are measured in plain TCP.")
        }
        if processes < 1 || clients < processes { throw ValidationError("Need at least one client per process.") }
        if resume, scenario != .login || wire != .parley {
            throw ValidationError("--resume is for the login scenario on Parley.")
        }
    }

    func run() async throws {
        var settings = BenchSettings(scenario: scenario, wire: wire, port: port)
        settings.host = host
        settings.tls = tls
        settings.serverPID = pid
        settings.label = label
        settings.variant = variant
        settings.clients = clients
        settings.processes = processes
        settings.rate = rate
        settings.window = window
        settings.senders = senders
        settings.warmupSeconds = warmup
        settings.durationSeconds = duration
        settings.textLength = textLength
        settings.connectConcurrency = connectConcurrency
        settings.offlineMessages = offlineMessages
        settings.stormLogins = stormLogins
        settings.resume = resume
        settings.onlineUsers = onlineUsers
        settings.accountsExist = accountsExist
        settings.namePrefix = namePrefix ?? Self.freshPrefix(for: scenario)
        let report = try await BenchRunner.run(settings)
        print(report.text)
        if let failure = report.lastFailure { print("  last error from the server: \(failure)") }
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(report).write(to: URL(fileURLWithPath: json))
        }
    }

    /// A scenario letter and three random letters, so names from earlier runs never collide.
    static func freshPrefix(for scenario: ScenarioKind) -> String {
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        return String(scenario.rawValue.prefix(1)) + String((0..<3).map { _ in letters.randomElement()! })
    }
}

/// Prints the comparison table from JSON reports.
struct Table: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the comparison table of JSON reports.")

    @Argument(help: "Report files written by `run --json`.") var files: [String]
    @Option(help: "The server compared with the others.") var subject = "parley"

    func run() throws {
        let reports = try files.map {
            try JSONDecoder().decode(BenchReport.self, from: Data(contentsOf: URL(fileURLWithPath: $0)))
        }
        var table = ComparisonTable(reports: reports)
        table.subject = subject
        print(table.text)
    }
}

/// Measures the machine's own stalls (no server needed).
struct Hiccups: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure how long the machine keeps a thread that wants to run from running, per CPU.")

    @Option(help: "Seconds measured.") var duration = 10.0
    @Option(help: "Microseconds each sleep asks for.") var interval = 200

    func validate() throws {
        if duration <= 0 || interval <= 0 { throw ValidationError("--duration and --interval must be positive.") }
    }

    func run() throws {
        print(HiccupMeter.measure(seconds: duration, intervalMicroseconds: interval).text)
    }
}

/// One worker process of a multi-process run (started by `run --processes N`).
struct Worker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Internal: one process of a multi-process run.", shouldDisplay: false)

    @Option(help: "Settings as base64 JSON.") var settings: String

    func run() async throws {
        guard let data = Data(base64Encoded: settings) else { throw ValidationError("bad --settings") }
        try await WorkerProcess.serve(try JSONDecoder().decode(BenchSettings.self, from: data))
    }
}

extension ScenarioKind: ExpressibleByArgument {}
extension WireKind: ExpressibleByArgument {}
