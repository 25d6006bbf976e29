import Foundation
import NIOCore
import NIOPosix

/// Runs one scenario against one server and turns what was measured into a report.
///
/// With one process the scenario runs here, on an event loop of its own. With several, `Coordinator`
/// starts `parley-bench worker` children, each with its share of the clients; either way the runner samples
/// the server's CPU and memory, and the bench processes' own CPU, around the common measured window and
/// merges the workers' results.
public enum BenchRunner {
    public static func run(_ settings: BenchSettings, workerExecutable: String? = nil) async throws -> BenchReport {
        let probe = settings.serverPID.map(ProcessProbe.init(pid:))
        let result: WorkerResult
        let samples: WindowSamples
        if settings.processes > 1 {
            let coordinator = try Coordinator(settings: settings, executable: workerExecutable)
            (result, samples) = try await coordinator.run(probe: probe)
        } else {
            (result, samples) = try await runInProcess(settings, probe: probe)
        }
        return report(settings, result: result, samples: samples)
    }

    static func runInProcess(_ settings: BenchSettings, probe: ProcessProbe?) async throws
        -> (WorkerResult, WindowSamples)
    {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let worker: any ScenarioWorker
        do {
            worker = try makeWorker(settings, loop: group.next())
        } catch {
            try await group.shutdownGracefully()
            throw error
        }
        do {
            try await worker.prepare()
            let outcome = try await measure(
                MeasurementPlan(settings), probe: probe, load: [ProcessProbe(pid: getpid())]
            ) { try await worker.run() }
            await worker.finish()
            try await group.shutdownGracefully()
            return outcome
        } catch {
            await worker.finish()
            try? await group.shutdownGracefully()  // the scenario's error is the one to report
            throw error
        }
    }

    /// Runs `body` (the workers' measured part) and samples the server, and the bench processes `load`
    /// that generate the traffic, as `plan` says.
    static func measure(
        _ plan: MeasurementPlan, probe: ProcessProbe?, load: [ProcessProbe],
        _ body: @escaping @Sendable () async throws -> WorkerResult
    ) async throws -> (WorkerResult, WindowSamples) {
        switch plan {
        case .byWorker:
            return (try await body(), WindowSamples())
        case .aroundRun:
            let before = try probe?.sample()
            let result = try await body()
            return (result, WindowSamples(before: before, after: try probe?.sample()))
        case .window(let warmup, let duration):
            let running = Task { try await body() }
            try await Task.sleep(nanoseconds: UInt64(warmup * 1e9))
            let before = try probe?.sample()
            let loadBefore = try load.reduce(0) { try $0 + $1.cpuSeconds() }
            try await Task.sleep(nanoseconds: UInt64(duration * 1e9))
            let after = try probe?.sample()
            let loadAfter = try load.reduce(0) { try $0 + $1.cpuSeconds() }
            let samples = WindowSamples(before: before, after: after, loadCPUSeconds: loadAfter - loadBefore)
            return (try await running.value, samples)
        }
    }

    static func report(_ settings: BenchSettings, result: WorkerResult, samples: WindowSamples) -> BenchReport {
        let (before, after) = (samples.before, samples.after)
        var figures: [Figure] = []
        let variant = settings.variantName
        switch settings.scenario {
        case .dm, .fanout:
            let duration = settings.durationSeconds
            let lost = max(0, result.expected - result.delivered)
            let histogram = result.histogram
            figures = [
                Figure("offered rate", settings.rate, settings.rate > 0 ? "msgs/s" : "max", lowerIsBetter: false),
                Figure("sent", Double(result.sent), "msgs", lowerIsBetter: false),
                Figure("delivered", Double(result.delivered), "msgs", lowerIsBetter: false),
                Figure("lost", Double(lost), "msgs", lowerIsBetter: true),
                // Below the offered rate when the bench could not keep to its schedule.
                Figure("sent per second", Double(result.windowSent) / duration, "msgs/s", lowerIsBetter: false),
                Figure(
                    "delivered per second", Double(result.windowDelivered) / duration, "msgs/s", lowerIsBetter: false,
                    headline: settings.scenario == .dm && settings.rate == 0),
            ]
            // No latency at all rather than zeros when nothing arrived in the window.
            if histogram.count > 0 {
                figures += [
                    Figure("latency p50", histogram.milliseconds(atPercentile: 50), "ms", lowerIsBetter: true),
                    Figure("latency p99", histogram.milliseconds(atPercentile: 99), "ms", lowerIsBetter: true),
                    Figure("latency p99.9", histogram.milliseconds(atPercentile: 99.9), "ms", lowerIsBetter: true),
                    Figure("latency max", histogram.maxMilliseconds, "ms", lowerIsBetter: true),
                ]
            }
            if let before, let after, result.windowDelivered > 0 {
                let cpu = after.cpuSeconds - before.cpuSeconds
                figures += [
                    Figure(
                        "server CPU per delivered message", cpu / Double(result.windowDelivered) * 1e6, "µs",
                        lowerIsBetter: true, headline: settings.rate > 0),
                    Figure(
                        "server CPU busy", cpu / MonotonicClock.seconds(from: before.at, to: after.at) * 100, "%",
                        lowerIsBetter: true),
                    Figure("server peak RSS", Double(after.peakResidentBytes) / 1_048_576, "MiB", lowerIsBetter: true),
                ]
            }
            // The load generator's own share of a core: near 100 % (per process) a throughput figure is the
            // bench's limit rather than the server's.
            if let load = samples.loadCPUSeconds {
                figures.append(
                    Figure("bench CPU busy", load / duration * 100, "%", lowerIsBetter: true))
            }
        case .idle:
            let seconds = result.phases["login", default: 0]
            figures = [
                Figure("clients logged in", Double(settings.clients), "clients", lowerIsBetter: false),
                Figure("time to log all in", seconds, "s", lowerIsBetter: true),
                Figure(
                    "logins per second", seconds > 0 ? Double(settings.clients) / seconds : 0, "logins/s",
                    lowerIsBetter: false),
            ]
            if let before, let after {
                figures += [
                    Figure(
                        "RSS per connected client",
                        Double(after.residentBytes - before.residentBytes)
                            / Double(settings.clients), "bytes", lowerIsBetter: true, headline: true),
                    Figure(
                        "server RSS with all connected", Double(after.residentBytes) / 1_048_576, "MiB",
                        lowerIsBetter: true),
                    Figure("server peak RSS", Double(after.peakResidentBytes) / 1_048_576, "MiB", lowerIsBetter: true),
                ]
            }
        case .offline, .login:
            figures = result.figures
        }
        if result.failures > 0 {
            figures.append(Figure("server error replies", Double(result.failures), "lines", lowerIsBetter: true))
        }
        let clients =
            switch settings.scenario {
            case .offline: settings.senders + 1
            case .login: settings.onlineUsers + settings.stormLogins
            default: settings.clients
            }
        return BenchReport(
            server: settings.label, variant: variant, scenario: settings.scenario, clients: clients,
            processes: settings.processes, transport: settings.tls ? "TLS" : nil, figures: figures,
            lastFailure: result.lastFailure)
    }
}

/// What was sampled around the measured window: the server before and after (when its PID is known), and
/// the CPU seconds the bench's own processes used in between.
struct WindowSamples {
    var before: ProcessProbe.Sample?
    var after: ProcessProbe.Sample?
    var loadCPUSeconds: Double?
}
