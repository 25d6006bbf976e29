import NIOCore
import Testing

@testable import ParleyBench

/// The protocol drivers recognise what servers send, and stamps survive both protocols' framing.
@Suite struct WireTests {
    private func interpret(_ wire: any ChatWire, _ line: String) -> WireEvent {
        var bytes = Array(line.utf8)
        return bytes.withUnsafeMutableBytes { wire.interpret(UnsafeRawBufferPointer($0)) }
    }

    private func stamped(sender: Int, at time: UInt64) -> String {
        var buffer = ByteBuffer()
        MessageStamp.write(sender: sender, sentAt: time, length: 40, into: &buffer)
        return String(buffer: buffer)
    }

    @Test func stampsHaveTheirLengthAndParseBack() {
        let text = stamped(sender: 17, at: 123_456_789_012)
        #expect(text.utf8.count == 40)
        #expect(text.hasPrefix("|T|17|123456789012|x"))
    }

    @Test func parleyLines() {
        let wire = ParleyWire()
        let text = stamped(sender: 3, at: 99)
        guard
            case .delivery(3, 99) = interpret(
                wire, #"{"event":"message","from":"a","kind":"direct","text":"\#(text)"}"#)
        else {
            Issue.record("no delivery")
            return
        }
        guard case .loggedIn = interpret(wire, #"{"id":2,"ok":true,"username":"a","waiting":0}"#) else {
            Issue.record("no login")
            return
        }
        guard
            case .needsRegistration = interpret(
                wire, #"{"error":{"code":"new_user","message":"This is a new user."},"id":2,"ok":false}"#)
        else {
            Issue.record("no registration")
            return
        }
        guard case .acknowledged(stored: true) = interpret(wire, #"{"id":9,"ok":true,"stored":true}"#) else {
            Issue.record("no stored ack")
            return
        }
        guard case .ignored = interpret(wire, #"{"event":"presence","online":true,"user":"b"}"#) else {
            Issue.record("presence not ignored")
            return
        }
        guard case .failure = interpret(wire, #"{"error":{"code":"invalid_user","message":"x"},"id":9,"ok":false}"#)
        else {
            Issue.record("no failure")
            return
        }
    }

    @Test func ircLines() {
        let wire = IRCWire()
        let text = stamped(sender: 12, at: 5)
        guard case .delivery(12, 5) = interpret(wire, ":b1!~b1@localhost PRIVMSG b2 :\(text)") else {
            Issue.record("no delivery")
            return
        }
        guard case .loggedIn = interpret(wire, ":irc.local 001 b1 :Welcome to the network") else {
            Issue.record("no welcome")
            return
        }
        guard case .joined = interpret(wire, ":irc.local 366 b1 #bench :End of /NAMES list.") else {
            Issue.record("no join")
            return
        }
        guard case .answer(let pong) = interpret(wire, "PING :irc.local") else {
            Issue.record("no pong")
            return
        }
        #expect(String(buffer: pong) == "PONG :irc.local\r\n")
        guard case .failure = interpret(wire, ":irc.local 433 * b1 :Nickname is already in use") else {
            Issue.record("no failure")
            return
        }
        guard case .ignored = interpret(wire, ":irc.local 422 b1 :MOTD File is missing") else {
            Issue.record("422 not ignored")
            return
        }
    }

    @Test func comparisonTableEndsWithHeadlineRatios() {
        let parley = BenchReport(
            server: "parley", variant: "dm-50k", scenario: .dm, clients: 10, processes: 1,
            figures: [Figure("server CPU per delivered message", 2, "µs", lowerIsBetter: true, headline: true)])
        var peer = parley
        peer.server = "ngircd"
        peer.figures[0].value = 8
        let text = ComparisonTable(reports: [parley, peer]).text
        #expect(
            text.split(separator: "\n").last
                == "headline ratios (parley/peer): dm-50k server CPU per delivered message: ngircd=0.25 best=0.25")
    }

    @Test func aHeadlineSaysWhereTheBenchWasSaturated() {
        func report(_ server: String, rate: Double, benchBusy: Double, processes: Int = 1) -> BenchReport {
            BenchReport(
                server: server, variant: "dm-max", scenario: .dm, clients: 10, processes: processes,
                figures: [
                    Figure("delivered per second", rate, "msgs/s", lowerIsBetter: false, headline: true),
                    Figure("bench CPU busy", benchBusy, "%", lowerIsBetter: true),
                ])
        }
        // Two bench processes at 150 % together are at 75 % each: not saturated.
        let reports = [
            report("parley", rate: 250, benchBusy: 91), report("inspircd", rate: 300, benchBusy: 99.8),
            report("ngircd", rate: 200, benchBusy: 150, processes: 2),
        ]
        #expect(
            ComparisonTable(reports: reports).text.split(separator: "\n").last
                == "headline ratios (parley/peer): dm-max delivered per second: inspircd=0.83 ngircd=1.25 best=0.83 [bench saturated: inspircd]"
        )
    }

    @Test func theTableSaysWhichTargetsTheRunMet() {
        func report(_ server: String, _ variant: String, _ figures: [Figure]) -> BenchReport {
            BenchReport(
                server: server, variant: variant, scenario: .dm, clients: 10, processes: 1, figures: figures)
        }
        let reports = [
            report(
                "parley", "dm-10k",
                [
                    Figure("lost", 0, "msgs", lowerIsBetter: true),
                    Figure("latency p99", 0.5, "ms", lowerIsBetter: true),
                    Figure("latency p99.9", 4, "ms", lowerIsBetter: true),
                ]),
            report(
                "parley", "dm-50k",
                [
                    Figure("lost", 2, "msgs", lowerIsBetter: true),
                    Figure("latency p99", 1, "ms", lowerIsBetter: true),
                    Figure("latency p99.9", 2, "ms", lowerIsBetter: true),
                    Figure("server CPU per delivered message", 6, "µs", lowerIsBetter: true),
                ]),
            report("ngircd", "dm-50k", [Figure("server CPU per delivered message", 9, "µs", lowerIsBetter: true)]),
            report("inspircd", "dm-50k", [Figure("server CPU per delivered message", 7, "µs", lowerIsBetter: true)]),
            report("parley", "dm-max", [Figure("delivered per second", 140, "msgs/s", lowerIsBetter: false)]),
            report("inspircd", "dm-max", [Figure("delivered per second", 100, "msgs/s", lowerIsBetter: false)]),
        ]
        let lines = ComparisonTable(reports: reports).text.split(separator: "\n").map(String.init)
        let targets = Array(lines.drop { !$0.hasPrefix("targets") }.dropLast())
        // No fanout, idle, offline or login in this run: those targets are left out.
        #expect(
            targets == [
                "targets (parley, figures as in the table):",
                "  dm-10k p99 ≤ 2 ms, p99.9 ≤ 5 ms, nothing lost: 0.500 / 4 ms, 0 lost: met",
                "  dm-50k p99 ≤ 2 ms, p99.9 ≤ 5 ms, nothing lost: 1 / 2 ms, 2 lost: NOT MET",
                "  dm-50k server CPU per delivered message below the better peer's: 6 vs 7 µs (inspircd): met",
                "  dm-max delivered per second ≥ 1.50× the better peer's: 140 vs 100 msgs/s (inspircd), 1.40×: NOT MET",
            ])
    }

    @Test func roundsOfOneRunCountByTheirMedianAndLossByTheWorst() {
        func report(_ server: String, cpu: Double, lost: Double) -> BenchReport {
            BenchReport(
                server: server, variant: "dm-50k", scenario: .dm, clients: 10, processes: 1,
                figures: [
                    Figure("lost", lost, "msgs", lowerIsBetter: true),
                    Figure("server CPU per delivered message", cpu, "µs", lowerIsBetter: true, headline: true),
                ])
        }
        let reports = [
            report("parley", cpu: 4, lost: 0), report("parley", cpu: 40, lost: 3), report("parley", cpu: 5, lost: 0),
            report("ngircd", cpu: 10, lost: 0), report("ngircd", cpu: 12, lost: 0),
        ]
        let lines = ComparisonTable(reports: reports).text.split(separator: "\n").map(String.init)
        #expect(lines.first == "each figure: the median of 2 or 3 rounds per server (lost and errors: the worst round)")
        // Round by round 4/10 and 40/12; the third Parley round has no ngircd round to pair with.
        #expect(
            lines.last
                == "headline ratios (parley/peer): dm-50k server CPU per delivered message: ngircd=0.45 best=0.45 (rounds 0.40–3.33)"
        )
        let lost = lines.first { $0.hasPrefix("dm-50k") && $0.contains(" lost ") }?.split(separator: " ")
        #expect(lost.map(Array.init) == ["dm-50k", "lost", "msgs", "3", "0", "-", "-"])
    }

    @Test func aWindowWithNothingDeliveredHasNoLatencyRatherThanZeros() {
        var settings = BenchSettings(scenario: .dm, wire: .irc, port: 1)
        settings.rate = 100_000
        settings.durationSeconds = 8
        var result = WorkerResult()
        result.sent = 800_000
        result.expected = 800_000
        result.delivered = 800_000
        result.windowSent = 766_400
        let report = BenchRunner.report(settings, result: result, samples: WindowSamples())
        #expect(report.figure("sent per second")?.value == 95_800)
        #expect(report.figure("delivered per second")?.value == 0)
        #expect(report.figure("latency p99") == nil)
        #expect(report.figure("latency max") == nil)
    }
}
