import Foundation
import Logging
import ParleyBench
import ParleyServer
import ParleyStore

/// A Parley server in the test process on an ephemeral port with a fresh database and cheap scrypt,
/// for running bench scenarios briefly. The bench measures this process's own CPU and memory then,
/// which exercises the /proc readers without meaning anything.
func withBenchServer(_ body: (BenchSettings) async throws -> Void, scenario: ScenarioKind) async throws {
    var configuration = ServerConfiguration()
    configuration.port = 0
    configuration.databasePath =
        FileManager.default.temporaryDirectory
        .appendingPathComponent("parley-bench-tests-\(getpid())-\(UUID().uuidString).db").path
    configuration.core.inactivityTimeout = nil
    configuration.passwordHasher = PasswordHasher(rounds: 1 << 10, blockSize: 8, parallelism: 1)
    configuration.hashingThreads = 2
    var logger = Logger(label: "bench-test-parleyd")
    logger.logLevel = .critical
    let server = try await ParleyServer.start(configuration: configuration, logger: logger)
    var settings = BenchSettings(scenario: scenario, wire: .parley, port: server.port)
    settings.serverPID = getpid()
    settings.label = "parley"
    settings.namePrefix = "t"
    settings.clients = 20
    settings.warmupSeconds = 0.2
    settings.durationSeconds = 0.5
    settings.connectConcurrency = 10
    do {
        try await body(settings)
    } catch {
        try await server.shutdown()
        throw error
    }
    try await server.shutdown()
}
