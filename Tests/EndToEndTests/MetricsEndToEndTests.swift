import Foundation
import ParleyProtocol
import ParleyTesting
import Testing

/// `parleyd --metrics-port`: the shipped binary says where its metrics are, and serves them there.
@Suite struct MetricsEndToEndTests {
    @Test func parleydServesItsMetricsWhereItSays() throws {
        let server = try ServerBinary(extraArguments: ["--insecure-plaintext", "--metrics-port", "0"])
        defer { try? server.stop() }
        try server.output.expect("metrics at http://127.0.0.1:")
        try server.output.expect("/metrics\n")
        let line = try #require(server.output.text.split(separator: "\n").first { $0.hasPrefix("metrics at ") })
        let port = try #require(Int(line.split(separator: ":").last?.split(separator: "/").first ?? ""))
        let alice = try LineSocket.loggedIn("alice", port: server.port)
        #expect(try alice.request(.whoelse).ok)
        let metrics = try HTTPFetch.fetch(port: port, path: "/metrics")
        #expect(metrics.status == 200)
        let lines = metrics.body.split(separator: "\n")
        #expect(lines.contains("parley_users_online 1.0"))
        #expect(lines.contains("parley_registrations_total 1"))
    }
}
