import ParleyProtocol
import Testing

/// Many users arriving or leaving at once, and the ordering promise that batching presence must keep.
@Suite struct StormTests {
    static let leavers = 120

    @Test func aPresenceEventStillArrivesBeforeAMessageSentRightAfterIt() async throws {
        try await withServer { server in
            let alice = try await server.login("alice")
            let bob = try await server.login("bob")
            // Bob's login is announced to alice (an event that may wait to share a write); bob's message to
            // her right after it must not overtake it.
            try await bob.ok(.message(to: "alice", text: "I'm here"))
            #expect(try await alice.nextEvent() == .presence(user: "bob", online: true))
            #expect(
                try await alice.nextEvent() == .message(DeliveredMessage(from: "bob", text: "I'm here", kind: .direct)))
        }
    }

    @Test func eachComingAndGoingIsToldOnceInOrderToThoseOnlineAndHiddenWhereBlocked() async throws {
        try await withServer { server in
            try await server.login("watcher").ok(.logout)
            let shy = try await server.login("shy")
            try await shy.ok(.block(user: "watcher"))
            try await shy.ok(.logout)
            let watcher = try await server.login("watcher")
            var users: [WireClient] = []
            for index in 0..<20 {
                users.append(try await server.login("u\(index)"))
                if index == 9 { _ = try await server.login("shy") }
            }
            try await users[5].ok(.logout)
            try await users[19].ok(.message(to: "watcher", text: "last"))
            let last = ServerEvent.message(DeliveredMessage(from: "u19", text: "last", kind: .direct))

            try await watcher.waitForEvent { $0 == last }
            let toldWatcher = await watcher.arrived.compactMap { if case .event(let e) = $0 { e } else { nil } }
            #expect(
                toldWatcher
                    == (0..<20).map { ServerEvent.presence(user: "u\($0)", online: true) }
                    + [.presence(user: "u5", online: false), last])
            // u0 hears of everyone after it, shy included (shy blocked only the watcher), and of nothing before.
            try await users[0].waitForEvent { $0 == .presence(user: "u5", online: false) }
            let toldFirst = await users[0].arrived.compactMap { if case .event(let e) = $0 { e } else { nil } }
            let arrivals = (1..<20).map { ServerEvent.presence(user: "u\($0)", online: true) }
            #expect(
                toldFirst
                    == arrivals[..<9] + [.presence(user: "shy", online: true)] + arrivals[9...]
                    + [.presence(user: "u5", online: false)])
            // The last to come heard only of u5 leaving, before the reply to its message, which took it along.
            let toldLast = await users[19].arrived.compactMap { if case .event(let e) = $0 { e } else { nil } }
            #expect(toldLast == [.presence(user: "u5", online: false)])
        }
    }

    @Test func manyClientsDroppingAtOnceAreAllAnnouncedAndTheRestCarryOn() async throws {
        try await withServer { server in
            let watcher = try await server.login("watcher")
            let stayer = try await server.login("stayer")
            // Registered concurrently, so their store writes share commits.
            let leavers = try await withThrowingTaskGroup(of: WireClient.self) { group in
                for index in 0..<Self.leavers { group.addTask { try await server.login("leaver\(index)", within: 60) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            var arrived = 0
            while arrived < Self.leavers {
                if case .presence(let user, true) = try await watcher.nextEvent(), user.hasPrefix("leaver") {
                    arrived += 1
                }
            }
            await withTaskGroup(of: Void.self) { group in
                for leaver in leavers { group.addTask { await leaver.close() } }
            }
            var gone: Set<String> = []
            while gone.count < leavers.count {
                if case .presence(let user, false) = try await watcher.nextEvent() { gone.insert(user) }
            }
            #expect(gone == Set((0..<Self.leavers).map { "leaver\($0)" }))
            #expect(try await watcher.ok(.whoelse).users == ["stayer"])
            try await stayer.ok(.message(to: "watcher", text: "still here"))
            _ = try await watcher.waitForEvent {
                $0 == .message(DeliveredMessage(from: "stayer", text: "still here", kind: .direct))
            }
        }
    }
}
