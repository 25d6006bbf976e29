import Foundation
import ParleyProtocol
import ParleyTesting
import Testing

@Suite struct MessagingTests {
    @Test func directMessagesAndTheirErrors() async throws {
        try await withServer { server in
            let alice = try await server.login("alice")
            let bob = try await server.login("bob")
            #expect(try await alice.ok(.message(to: "bob", text: "hello bob")).stored == false)
            #expect(
                try await bob.nextEvent() == .message(DeliveredMessage(from: "alice", text: "hello bob", kind: .direct))
            )
            #expect(try await alice.request(.message(to: "nobody", text: "x")).error == ErrorBody(.invalidUser))
            #expect(
                try await alice.request(.message(to: "alice", text: "x")).error?.message
                    == "Error. Cannot message yourself")
            let long = String(repeating: "a", count: 4097)
            #expect(
                try await alice.request(.message(to: "bob", text: long)).error?.message
                    == "Error. Message too long (max 4096 characters)")
            #expect(try await alice.request(.message(to: "bob", text: "")).error?.code == .invalidArguments)
            try await bob.ok(.block(user: "alice"))
            #expect(
                try await alice.request(.message(to: "bob", text: "x")).error?.message
                    == "Your message could not be delivered as the recipient has blocked you")
        }
    }

    @Test func offlineMessagesWaitAndArriveInOrderExactlyOnce() async throws {
        try await withServer { server in
            let bob = try await server.login("bob")
            try await bob.ok(.logout)
            let alice = try await server.login("alice")
            let carol = try await server.login("carol")
            for index in 1...3 {
                #expect(try await alice.ok(.message(to: "bob", text: "a\(index)")).stored == true)
                #expect(try await carol.ok(.message(to: "bob", text: "c\(index)")).stored == true)
            }
            let again = try await server.connect()
            try await again.hello()
            let login = try await again.ok(.login(username: "bob", password: "secret"))
            #expect(login.waiting == 6)
            var received: [String] = []
            for _ in 0..<6 {
                guard case .message(let message) = try await again.nextEvent() else { continue }
                #expect(message.kind == .offline)
                #expect(message.sent != nil)
                received.append("\(message.from):\(message.text)")
            }
            #expect(received == ["alice:a1", "carol:c1", "alice:a2", "carol:c2", "alice:a3", "carol:c3"])
            try await again.ok(.logout)
            let third = try await server.connect()
            try await third.hello()
            #expect(try await third.ok(.login(username: "bob", password: "secret")).waiting == 0)
        }
    }

    /// A client that sends receipts: its waiting messages stay stored until it confirms them, so a connection
    /// dropped before that (and a restart) loses none, and once confirmed they are gone for good.
    @Test func waitingMessagesStayStoredUntilTheClientConfirmsThem() async throws {
        let options = ServerOptions(databasePath: TestDirectory.fresh().appendingPathComponent("receipts.db").path)
        func backlog(of client: WireClient) async throws -> [String] {
            try await client.ok(.hello(version: ProtocolLimits.version, client: "tests", receipts: true))
            let login = try await client.ok(.login(username: "bob", password: "secret"))
            var texts: [String] = []
            for _ in 0..<(login.waiting ?? 0) {
                guard case .message(let message) = try await client.nextEvent() else { continue }
                texts.append(message.text)
            }
            return texts
        }
        try await withServer(options) { server in
            try await server.login("bob").ok(.logout)
            let alice = try await server.login("alice")
            try await alice.ok(.message(to: "bob", text: "one"))
            try await alice.ok(.message(to: "bob", text: "two"))
            let dropped = try await server.connect()
            #expect(try await backlog(of: dropped) == ["one", "two"])
            await dropped.close()  // before confirming
            let gone = ServerEvent.presence(user: "bob", online: false)
            #expect(try await alice.waitForEvent { $0 == gone } == gone)
            let again = try await server.connect()
            #expect(try await backlog(of: again) == ["one", "two"])
            await again.close()
        }
        try await withServer(options) { server in
            let bob = try await server.connect()
            #expect(try await backlog(of: bob) == ["one", "two"])  // still stored after the restart
            try await bob.ok(.received(count: 2))
            try await bob.ok(.logout)
            let later = try await backlog(of: try await server.connect())
            #expect(later.isEmpty)
        }
        try await withServer(options) { server in
            let afterRestart = try await backlog(of: try await server.connect())
            #expect(afterRestart.isEmpty)
        }
    }

    @Test func broadcastSkipsUsersWhoBlockedTheSender() async throws {
        try await withServer { server in
            let alice = try await server.login("alice")
            let bob = try await server.login("bob")
            let carol = try await server.login("carol")
            #expect(try await alice.ok(.broadcast(text: "hi all")).partial == false)
            let expected = ServerEvent.message(DeliveredMessage(from: "alice", text: "hi all", kind: .broadcast))
            #expect(try await bob.waitForEvent { $0 == expected } == expected)
            #expect(try await carol.waitForEvent { $0 == expected } == expected)
            try await carol.ok(.block(user: "alice"))
            #expect(try await alice.ok(.broadcast(text: "again")).partial == true)
            let again = ServerEvent.message(DeliveredMessage(from: "alice", text: "again", kind: .broadcast))
            #expect(try await bob.waitForEvent { $0 == again } == again)
            try await carol.expectSilence()
        }
    }

    @Test func whoelseAndWhoelsesince() async throws {
        try await withServer { server in
            let alice = try await server.login("alice")
            #expect(try await alice.ok(.whoelse).users == [])
            let carol = try await server.login("carol")
            let bob = try await server.login("bob")
            #expect(try await alice.ok(.whoelse).users == ["bob", "carol"])
            try await carol.ok(.logout)
            #expect(try await alice.ok(.whoelse).users == ["bob"])
            #expect(try await alice.ok(.whoelsesince(seconds: 60)).users == ["bob", "carol"])
            #expect(try await alice.request(.whoelsesince(seconds: -1)).error?.code == .invalidArguments)
            try await bob.ok(.block(user: "alice"))
            #expect(try await alice.ok(.whoelse).users == [])
            #expect(try await alice.ok(.whoelsesince(seconds: 60)).users == ["carol"])
        }
    }

    @Test func presenceIsToldExceptToBlockedUsers() async throws {
        try await withServer { server in
            let alice = try await server.login("alice")
            let bob = try await server.login("bob")
            #expect(try await alice.nextEvent() == .presence(user: "bob", online: true))
            try await bob.ok(.block(user: "alice"))
            try await bob.ok(.logout)
            try await alice.expectSilence()
            let carol = try await server.login("carol")
            #expect(try await alice.nextEvent() == .presence(user: "carol", online: true))
            await carol.close()
            #expect(try await alice.nextEvent() == .presence(user: "carol", online: false))
        }
    }

    @Test func blockAndUnblockErrors() async throws {
        try await withServer { server in
            let alice = try await server.login("alice")
            _ = try await server.login("bob")
            #expect(try await alice.request(.block(user: "zed")).error == ErrorBody(.invalidUser))
            #expect(try await alice.request(.block(user: "alice")).error?.message == "Error. Cannot block self")
            #expect(try await alice.request(.unblock(user: "alice")).error?.message == "Error. Cannot unblock self")
            #expect(try await alice.request(.unblock(user: "zed")).error?.code == .invalidUser)
            #expect(try await alice.request(.unblock(user: "bob")).error?.message == "Error. bob was not blocked")
            try await alice.ok(.block(user: "bob"))
            try await alice.ok(.unblock(user: "bob"))
        }
    }

    @Test func inactivityLogsOutAndKeepAlivesDoNotCount() async throws {
        try await withGrowingTimeLimit(from: 1) { timeout in
            try await withServer(.init(timeout: timeout)) { server in
                let alice = try await racingTheTimer {
                    let alice = try await server.login("alice")
                    try await alice.ok(.ping)
                    return alice
                }
                // The keep-alive did not count: the timer still fires `timeout` after login.
                let events = try await alice.waitForClose(within: timeout + 5)
                #expect(events.contains(.loggedOut(reason: .inactivity)))
            }
        }
    }

    @Test func logoutClosesTheConnection() async throws {
        try await withServer { server in
            let alice = try await server.login("alice")
            try await alice.ok(.logout)
            _ = try await alice.waitForClose()
        }
    }
}
