import Foundation
import Logging
import ParleyProtocol
import ParleyTesting
import Testing

@testable import ParleyServer

#if canImport(Glibc)
    import Glibc
#endif

/// `GET /metrics`: what the server did and holds, in Prometheus's text format, read over real HTTP.
@Suite struct MetricsTests {
    private func metrics(_ server: TestServer) throws -> [String: Double] {
        let response = try HTTPFetch.fetch(port: try #require(server.server.metricsPort), path: "/metrics")
        #expect(response.status == 200)
        #expect(response.headers.contains("text/plain; version=0.0.4"))
        var values: [String: Double] = [:]
        for line in response.body.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let value = Double(parts[1]) { values[String(parts[0])] = value }
        }
        return values
    }

    @Test func countsWhatHappenedAndShowsWhoIsOnline() async throws {
        var options = ServerOptions()
        options.metricsPort = 0
        try await withServer(options) { server in
            let before = try metrics(server)
            #expect(before["parley_users_online"] == 0)
            #expect(before["parley_logins_total"] == 0)

            try await server.login("carol").ok(.logout)
            let alice = try await server.login("alice")
            let bob = try await server.login("bob")
            try await alice.ok(.message(to: "bob", text: "hi"))
            try await alice.ok(.message(to: "carol", text: "later"))
            try await alice.ok(.broadcast(text: "all"))
            let guesser = try await server.connect()
            try await guesser.hello()
            #expect(
                try await guesser.request(.login(username: "carol", password: "wrong")).error?.code == .wrongPassword)

            let after = try metrics(server)
            #expect(after["parley_users_online"] == 2)
            #expect(after["parley_connections"] == 3)
            #expect(after["parley_registrations_total"] == 3)
            #expect(after["parley_logins_total"] == 0)
            #expect(after["parley_wrong_passwords_total"] == 1)
            #expect(after[#"parley_messages_delivered_total{kind="direct"}"#] == 1)
            #expect(after[#"parley_messages_delivered_total{kind="broadcast"}"#] == 1)
            #expect(after["parley_messages_stored_total"] == 1)
            #expect(after["parley_messages_waiting"] == 1)
            #expect(after["parley_broadcasts_total"] == 1)
            #expect((after["parley_store_writes_total"] ?? 0) >= 4)  // 3 accounts, 1 waiting message, logins
            #expect((after["parley_store_commit_seconds_count"] ?? 0) >= 1)
            #expect(after["parley_store_failed_commits_total"] == 0)

            // carol logs in: her waiting message is delivered, and counted once however often it is scraped.
            let carol = try await server.login("carol")
            _ = try await carol.nextEvent()
            _ = try metrics(server)
            let later = try metrics(server)
            #expect(later["parley_logins_total"] == 1)
            #expect(later[#"parley_messages_delivered_total{kind="offline"}"#] == 1)
            #expect(later["parley_messages_waiting"] == 0)
            #expect(later["parley_users_online"] == 3)
            _ = bob
        }
    }

    @Test func countsFailedStoreCommits() async throws {
        var options = ServerOptions()
        options.metricsPort = 0
        let store = try WatchedStore(path: TestDirectory.fresh().appendingPathComponent("parley.db").path)
        let server = TestServer(server: try await options.start(store: store))
        try await server.login("bob").ok(.logout)
        let alice = try await server.login("alice")
        store.failing.store(true, ordering: .relaxed)
        #expect(try await alice.request(.message(to: "bob", text: "lost")).error?.code == .storeFailure)
        store.failing.store(false, ordering: .relaxed)
        let values = try metrics(server)
        #expect(values["parley_store_failed_commits_total"] == 1)
        #expect(values["parley_messages_waiting"] == 0)
        #expect(values["parley_messages_stored_total"] == 0)
        try await server.stop()
    }

    @Test func otherPathsAndMethodsAreRefused() async throws {
        var options = ServerOptions()
        options.metricsPort = 0
        try await withServer(options) { server in
            let port = try #require(server.server.metricsPort)
            #expect(try HTTPFetch.fetch(port: port, path: "/").status == 404)
            #expect(try HTTPFetch.fetch(port: port, path: "/metrics", method: "POST").status == 405)
            #expect(try HTTPFetch.fetch(port: port, path: "/metrics?x=1").status == 200)
        }
    }

    @Test func withoutAMetricsPortThereAreNone() async throws {
        try await withServer { server in
            #expect(server.server.metricsPort == nil)
        }
    }

    @Test func aConnectionThatAsksNothingIsClosed() async throws {
        var configuration = ServerOptions().configuration
        configuration.metricsPort = 0
        configuration.metricsPatience = .milliseconds(200)
        var quiet = Logger(label: "test-parleyd")
        quiet.logLevel = .critical
        let server = try await ParleyServer.start(configuration: configuration, logger: quiet)
        let port = try #require(server.metricsPort)
        let closedByServer = try await Task.detached {
            let descriptor = try LoopbackSocket.connect(port: port) { descriptor in
                var timeout = timeval(tv_sec: 10, tv_usec: 0)
                setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            }
            defer { close(descriptor) }
            var byte: UInt8 = 0
            return recv(descriptor, &byte, 1, 0) == 0  // end of stream, not the 10 s timeout
        }.value
        #expect(closedByServer)
        try await server.shutdown()
    }
}
