import Crypto
import Foundation
import ParleyCore
import ParleyProtocol
import ParleyServer
import ParleyStore
import ParleyTesting
import Testing

/// `resume` through a real server: the token on the wire and only its digest in the store, a session taken
/// over from a connection the server still holds, and a resume after a restart on the same database.
@Suite struct ResumeOverTheWireTests {
    /// `name` registered on a connection that asked for resume tokens; the connection and its token.
    private func resumableLogin(_ server: TestServer, _ name: String) async throws -> (WireClient, String) {
        let client = try await server.connect()
        try await client.ok(.hello(version: ProtocolLimits.version, client: "tests", resumable: true))
        var reply = try await client.request(.login(username: name, password: "secret"))
        if reply.error?.code == .newUser {
            reply = try await client.ok(.register(username: name, password: "secret", confirmation: "secret"))
        }
        return (client, try #require(reply.resume))
    }

    private func resume(_ server: TestServer, _ name: String, _ token: String) async throws -> (WireClient, Reply) {
        let client = try await server.connect()
        try await client.hello()
        return (client, try await client.request(.resume(username: name, token: token)))
    }

    @Test func aSessionTheServerStillHoldsIsTakenOverAtOnce() async throws {
        var options = ServerOptions()
        options.metricsPort = 0
        try await withServer(options) { server in
            let (halfOpen, token) = try await resumableLogin(server, "alice")
            #expect(token.count == 64 && token.allSatisfy(\.isHexDigit))
            let bob = try await server.login("bob")
            let (fresh, reply) = try await resume(server, "alice", token)
            #expect(reply.ok && reply.username == "alice")
            // The old connection is told and closed; bob sees alice leave and come back.
            #expect(
                try await halfOpen.waitForClose() == [
                    .presence(user: "bob", online: true), .loggedOut(reason: .resumedElsewhere),
                ])
            #expect(try await bob.nextEvent() == .presence(user: "alice", online: false))
            #expect(try await bob.nextEvent() == .presence(user: "alice", online: true))
            #expect(try await fresh.ok(.whoelse).users == ["bob"])
            // The token was used up.
            let (_, again) = try await resume(server, "alice", token)
            #expect(again.error?.code == .resumeRefused)
            #expect(try fetchMetric("parley_resumes_total", from: server) == 1)
        }
    }

    @Test func aResumeWhoseAnswerWasLostWithItsConnectionIsMadeAgainWithTheSameToken() async throws {
        try await withServer(ServerOptions()) { server in
            let (first, token) = try await resumableLogin(server, "alice")
            let bob = try await server.login("bob")
            await first.close()
            #expect(try await bob.nextEvent() == .presence(user: "alice", online: false))
            // The resume is sent and carried out (bob sees alice back), but its connection goes before the
            // client reads the answer, and the next token with it.
            let lost = try await server.connect()
            try await lost.ok(.hello(version: ProtocolLimits.version, client: "tests", resumable: true))
            try await lost.sendLine(
                #"{"id":7,"op":"resume","username":"alice","token":"\#(token)"}"#)
            #expect(try await bob.nextEvent() == .presence(user: "alice", online: true))
            await lost.close()
            #expect(try await bob.nextEvent() == .presence(user: "alice", online: false))
            // The only token the client has is taken again.
            let (back, reply) = try await resume(server, "alice", token)
            #expect(reply.ok && reply.username == "alice")
            #expect(try await bob.nextEvent() == .presence(user: "alice", online: true))
            try await back.ok(.logout)
        }
    }

    @Test func afterARestartTheSessionIsResumedAndTheStoreHeldOnlyTheDigest() async throws {
        let path = TestDirectory.path("resume.db")
        var options = ServerOptions(databasePath: path)
        var server = try await TestServer.start(options)
        let (alice, token) = try await resumableLogin(server, "alice")
        try await server.stop()
        _ = try await alice.waitForClose()

        let digest = SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
        let store = try SQLiteStore(path: path)
        let grant = try #require(try store.loadSnapshot(now: Date()).account("alice")?.resume)
        try store.close()
        #expect(grant.tokenDigest == digest && grant.endedAt != nil)

        options.databasePath = path
        server = try await TestServer.start(options)
        let (back, reply) = try await resume(server, "alice", token)
        #expect(reply.ok && reply.username == "alice")
        try await back.ok(.logout)
        try await server.stop()
    }
}

/// One value of the server's metrics page.
private func fetchMetric(_ name: String, from server: TestServer) throws -> Double? {
    let port = try #require(server.server.metricsPort)
    let response = try HTTPFetch.fetch(port: port, path: "/metrics")
    for line in response.body.split(separator: "\n") where line.hasPrefix(name + " ") {
        return Double(line.split(separator: " ")[1])
    }
    return nil
}

extension CoreSnapshot {
    fileprivate func account(_ name: String) -> AccountRecord? { accounts.first { $0.name == name } }
}
