import Foundation
import ParleyBench
import ParleyServer
import ParleyTesting

/// A Parley server in the test process on an ephemeral port (see `TestServerOptions`), without the
/// per-connection limits (a load generator is one flood by design), for running bench scenarios briefly.
/// The bench measures this process's own CPU and memory then, which exercises the /proc readers without
/// meaning anything.
/// With `tls` the server speaks TLS with a self-signed certificate, as parleyd does by default, and the bench
/// connects over it.
func withBenchServer(
    _ body: (BenchSettings) async throws -> Void, scenario: ScenarioKind, tls: Bool = false
) async throws {
    let options = TestServerOptions(
        loginAttemptsPerAddress: nil, commandRate: nil, maxUnauthenticated: 100_000,
        transport: tls ? .selfSignedTLS : .plaintext)
    try await options.run { server in
        var settings = BenchSettings(scenario: scenario, wire: .parley, port: server.port)
        settings.tls = tls
        settings.serverPID = getpid()
        settings.label = "parley"
        settings.namePrefix = "t"
        settings.clients = 20
        settings.warmupSeconds = 0.2
        settings.durationSeconds = 0.5
        settings.connectConcurrency = 10
        try await body(settings)
    }
}
