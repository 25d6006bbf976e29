import ParleyProtocol
import Testing

@Suite struct PrivateBrokerTests {
    @Test func consentIsRelayedAndBothSidesGetAddressPortAndOneToken() async throws {
        try await withServer { server in
            let alice = try await server.login("alice")
            let bob = try await server.login("bob")
            try await alice.ok(.startPrivate(user: "bob", port: 5555))
            _ = try await bob.waitForEvent { $0 == .privateRequest(from: "alice") }
            try await bob.ok(.answerPrivate(user: "alice", accept: true))
            let toAlice = try await alice.waitForEvent { $0.grant != nil }
            let toBob = try await bob.nextEvent()
            guard case .privateReady(let aliceGrant) = toAlice, case .privateReady(let bobGrant) = toBob else {
                Issue.record("expected grants, got \(toAlice) and \(toBob)")
                return
            }
            #expect(aliceGrant.user == "bob" && aliceGrant.role == .listen)
            #expect(bobGrant.user == "alice" && bobGrant.role == .connect)
            #expect(bobGrant.host == "127.0.0.1" && bobGrant.port == 5555)
            #expect(aliceGrant.token == bobGrant.token)
            #expect(aliceGrant.token.count == 32)
            #expect(
                try await alice.request(.startPrivate(user: "bob", port: 5555)).error?.message
                    == "Error. Private messaging with bob is already active")
            try await alice.ok(.stopPrivate(user: "bob"))
            #expect(try await bob.nextEvent() == .privateEnded(user: "alice", reason: .stopped))
            #expect(
                try await alice.request(.stopPrivate(user: "bob")).error?.message
                    == "Error. Private messaging to bob not enabled")
        }
    }

    @Test func startPrivateErrors() async throws {
        try await withServer { server in
            let alice = try await server.login("alice")
            let bob = try await server.login("bob")
            let carol = try await server.login("carol")
            try await carol.ok(.logout)
            #expect(try await alice.request(.startPrivate(user: "zed", port: 1)).error == ErrorBody(.invalidUser))
            #expect(
                try await alice.request(.startPrivate(user: "alice", port: 1)).error?.message
                    == "Error. Cannot start private messaging with yourself")
            #expect(
                try await alice.request(.startPrivate(user: "carol", port: 1)).error?.message
                    == "Error. carol is offline")
            try await bob.ok(.block(user: "alice"))
            #expect(
                try await alice.request(.startPrivate(user: "bob", port: 1)).error?.message
                    == "Error. bob has blocked you")
            #expect(try await bob.request(.answerPrivate(user: "alice", accept: true)).error?.code == .noPrivateRequest)
        }
    }

    @Test func declineAndExpiry() async throws {
        try await withServer(.init(privateRequestLifetime: 2)) { server in
            let alice = try await server.login("alice")
            let bob = try await server.login("bob")
            try await alice.ok(.startPrivate(user: "bob", port: 4001))
            _ = try await bob.waitForEvent { $0 == .privateRequest(from: "alice") }
            try await bob.ok(.answerPrivate(user: "alice", accept: false))
            _ = try await alice.waitForEvent { $0 == .privateDeclined(user: "bob") }
            try await alice.ok(.startPrivate(user: "bob", port: 4001))
            _ = try await bob.waitForEvent { $0 == .privateRequest(from: "alice") }
            _ = try await alice.waitForEvent(within: 5) { $0 == .privateExpired(user: "bob") }
            _ = try await bob.waitForEvent(within: 5) { $0 == .privateRequestClosed(from: "alice", reason: .expired) }
            #expect(try await bob.request(.answerPrivate(user: "alice", accept: true)).error?.code == .noPrivateRequest)
        }
    }

    @Test func peersAreToldWhenTheOtherSideGoes() async throws {
        try await withServer { server in
            let alice = try await server.login("alice")
            let bob = try await server.login("bob")
            try await alice.ok(.startPrivate(user: "bob", port: 4001))
            _ = try await bob.waitForEvent { $0 == .privateRequest(from: "alice") }
            try await bob.ok(.answerPrivate(user: "alice", accept: true))
            _ = try await alice.waitForEvent { $0.grant != nil }
            await bob.close()
            _ = try await alice.waitForEvent { $0 == .privateEnded(user: "bob", reason: .disconnect) }

            let carol = try await server.login("carol")
            try await carol.ok(.startPrivate(user: "alice", port: 4002))
            _ = try await alice.waitForEvent { $0 == .privateRequest(from: "carol") }
            try await alice.ok(.answerPrivate(user: "carol", accept: true))
            _ = try await carol.waitForEvent { $0.grant != nil }
            try await alice.ok(.block(user: "carol"))
            _ = try await carol.waitForEvent { $0 == .privateEnded(user: "alice", reason: .blocked) }
            _ = try await alice.waitForEvent { $0 == .privateEnded(user: "carol", reason: .blocked) }
        }
    }

    @Test func timeoutEndsThePrivateSession() async throws {
        // The session must be up before alice's inactivity timeout, which is short so the test is quick.
        try await withGrowingTimeLimit(from: 2) { timeout in
            try await withServer(.init(timeout: timeout)) { server in
                try await expectTheTimeoutToEndTheSession(server, timeout: timeout)
            }
        }
    }

    private func expectTheTimeoutToEndTheSession(_ server: TestServer, timeout: Double) async throws {
        let (alice, bob) = try await racingTheTimer {
            let alice = try await server.login("alice")
            let bob = try await server.login("bob")
            try await alice.ok(.startPrivate(user: "bob", port: 4001))
            _ = try await bob.waitForEvent { $0 == .privateRequest(from: "alice") }
            try await bob.ok(.answerPrivate(user: "alice", accept: true))
            return (alice, bob)
        }
        // alice stays idle; bob keeps active until alice times out.
        var ended = false
        for _ in 0..<Int(timeout * 50) where !ended {
            try await bob.ok(.activity)
            do {
                _ = try await bob.waitForEvent(within: 0.1) { $0 == .privateEnded(user: "alice", reason: .timeout) }
                ended = true
            } catch WireClient.Failure.timedOut {}
        }
        #expect(ended)
        #expect(try await alice.waitForClose(within: 5).contains(.loggedOut(reason: .inactivity)))
    }
}

@Suite struct RelayTests {
    @Test func keysTravelWithConsentAndSealedBytesAreRelayedOnlyWithinASession() async throws {
        try await withServer { server in
            let alice = try await server.login("alice")
            let bob = try await server.login("bob")
            #expect(try await alice.request(.relay(to: "bob", data: "AAAA")).error?.code == .privateNotEnabled)
            try await alice.ok(.startPrivate(user: "bob", port: 4001, key: "alice-public"))
            _ = try await bob.waitForEvent { $0 == .privateRequest(from: "alice") }
            try await bob.ok(.answerPrivate(user: "alice", accept: true, key: "bob-public"))
            let aliceGrant = try #require(try await alice.waitForEvent { $0.grant != nil }.grant)
            let bobGrant = try #require(try await bob.waitForEvent { $0.grant != nil }.grant)
            #expect(aliceGrant.key == "bob-public")
            #expect(bobGrant.key == "alice-public")
            try await bob.ok(.relay(to: "alice", data: "c2VhbGVk"))
            #expect(try await alice.nextEvent() == .relay(from: "bob", data: "c2VhbGVk"))
            try await alice.ok(.stopPrivate(user: "bob"))
            #expect(try await bob.request(.relay(to: "alice", data: "AAAA")).error?.code == .privateNotEnabled)
        }
    }
}
