import ParleyBench
import ParleyTesting
import Testing

/// Each scenario, briefly and at small N, against an in-process server: the instrument must keep working.
/// Timings are never asserted; counts are.
@Suite(.serialized) struct ScenarioTests {
    /// Also over TLS, the server's default: a bench that spoke plain TCP to a TLS server (or TLS to a plain
    /// one) would never log in. And over two processes: the clients are then spread over `parley-bench worker`
    /// children started from the built binary and their results merged, the way large runs are made.
    @Test(arguments: [(false, 1), (true, 1), (false, 2)])
    func directMessagesAtAFixedRate(overTLS: Bool, processes: Int) async throws {
        try await withBenchServer(
            { settings in
                var settings = settings
                settings.rate = 400
                settings.processes = processes
                let report = try await BenchRunner.run(
                    settings, workerExecutable: Binaries.directory.appendingPathComponent("parley-bench").path)
                #expect(report.processes == processes)
                #expect(report.transport == (overTLS ? "TLS" : nil))
                #expect(report.text.hasPrefix(overTLS ? "parley dm over TLS (" : "parley dm ("))
                #expect(report.figure("sent")!.value > 0)
                #expect(report.figure("sent per second")!.value > 0)
                #expect(report.figure("lost")!.value == 0)
                #expect(report.figure("delivered")!.value == report.figure("sent")!.value)
                #expect(report.figure("latency p99")!.value > 0)
                #expect(report.figure("server CPU per delivered message") != nil)
                #expect(report.figure("bench CPU busy") != nil)
            }, scenario: .dm, tls: overTLS)
    }

    @Test func directMessagesAsFastAsTheWindowAllows() async throws {
        try await withBenchServer(
            { settings in
                var settings = settings
                settings.window = 2
                let report = try await BenchRunner.run(settings)
                #expect(report.figure("delivered per second")!.value > 0)
                #expect(report.figure("lost")!.value == 0)
            }, scenario: .dm)
    }

    @Test func fanoutReachesEveryOtherUser() async throws {
        try await withBenchServer(
            { settings in
                var settings = settings
                settings.rate = 20
                settings.senders = 2
                let report = try await BenchRunner.run(settings)
                let sent = report.figure("sent")!.value
                #expect(sent > 0)
                #expect(report.figure("delivered")!.value == sent * Double(settings.clients - 1))
            }, scenario: .fanout)
    }

    @Test func idleClientsLogInAndHold() async throws {
        try await withBenchServer(
            { settings in
                let report = try await BenchRunner.run(settings)
                #expect(report.figure("clients logged in")!.value == 20)
                #expect(report.figure("RSS per connected client") != nil)
                #expect(report.figure("time to log all in")!.value > 0)
            }, scenario: .idle)
    }

    @Test func offlineMessagesAreStoredThenDelivered() async throws {
        try await withBenchServer(
            { settings in
                var settings = settings
                settings.offlineMessages = 500
                settings.senders = 2
                settings.window = 16
                let report = try await BenchRunner.run(settings)
                #expect(report.figure("stored acknowledgements")!.value == 500)
                #expect(report.figure("delivered on login")!.value == 500)
            }, scenario: .offline)
    }

    /// Over TLS each of the storm's logins is a TLS handshake too.
    @Test(arguments: [false, true]) func loginStormWhileOthersChat(overTLS: Bool) async throws {
        try await withBenchServer(
            { settings in
                var settings = settings
                settings.stormLogins = 10
                settings.onlineUsers = 6
                settings.rate = 200
                let report = try await BenchRunner.run(settings)
                #expect(report.figure("logins")!.value == 10)
                #expect(report.figure("logins per second")!.value > 0)
                #expect(report.figure("online messages during storm") != nil)
            }, scenario: .login, tls: overTLS)
    }

    /// The storm's users come back after dropped connections with their resume tokens: every one of them is
    /// logged in again without its password.
    @Test func resumeStormAfterDroppedConnections() async throws {
        try await withBenchServer(
            { settings in
                var settings = settings
                settings.stormLogins = 10
                settings.onlineUsers = 4
                settings.rate = 200
                settings.resume = true
                let report = try await BenchRunner.run(settings)
                #expect(report.figure("resumes")!.value == 10)
                #expect(report.figure("resumes per second")!.value > 0)
                #expect(report.figure("logins per second") == nil)
            }, scenario: .login)
    }

    @Test func ircOnlyScenariosAreRefused() async throws {
        let settings = BenchSettings(scenario: .offline, wire: .irc, port: 1)
        await #expect(throws: BenchError.self) { try await BenchRunner.run(settings) }
    }
}
