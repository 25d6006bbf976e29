import ParleyProtocol
import Testing

/// Random sessions against the real server, checked against a model of what each connection must hear and
/// in what order: waiting messages first, then presence (hidden from users the subject blocked, never about
/// oneself or from before one came), direct messages and broadcasts. It exercises what batching presence must keep: every event once,
/// in the order the server decided it, however events and other output interleave.
@Suite struct PresenceModelTests {
    /// A small deterministic generator (SplitMix64), so a failure names a seed that replays it.
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
    }

    /// One logged-in session and what it must have heard so far.
    final class Session {
        let client: WireClient
        var expected: [ServerEvent] = []
        init(_ client: WireClient) { self.client = client }
    }

    @Test(arguments: Array(1...8) as [UInt64])
    func everyConnectionHearsExactlyWhatTheModelSays(seed: UInt64) async throws {
        try await withServer { server in
            let users = (0..<6).map { "u\($0)" }
            for user in users { try await server.login(user).ok(.logout) }
            var random = Generator(state: seed)
            var online: [String: Session] = [:]
            var blocked: Set<[String]> = []  // [blocker, blocked]
            var waiting: [String: [ServerEvent]] = [:]

            func tell(_ event: ServerEvent, about subject: String, hiddenBy hider: String) {
                for (name, session) in online where name != subject && !blocked.contains([hider, name]) {
                    session.expected.append(event)
                }
            }
            func check(_ name: String, _ session: Session) async throws {
                let heard = await session.client.arrived.compactMap { frame -> ServerEvent? in
                    guard case .event(let event) = frame else { return nil }
                    guard case .message(var message) = event else { return event }
                    message.sent = nil  // the server's clock; the model has none
                    return .message(message)
                }
                #expect(heard == session.expected, "seed \(seed): \(name) heard \(heard), expected \(session.expected)")
            }

            for step in 0..<150 {
                let user = users[random.next(users.count)]
                let other = users[random.next(users.count)]
                guard let session = online[user] else {
                    let session = Session(try await server.login(user))
                    session.expected = waiting.removeValue(forKey: user) ?? []
                    online[user] = session
                    tell(.presence(user: user, online: true), about: user, hiddenBy: user)
                    continue
                }
                switch random.next(6) {
                case 0:
                    try await session.client.ok(.logout)
                    online[user] = nil
                    tell(.presence(user: user, online: false), about: user, hiddenBy: user)
                    try await check(user, session)  // all it heard came before the reply to its logout
                    await session.client.close()
                case 1 where other != user:
                    let text = "dm\(step)"
                    let reply = try await session.client.request(.message(to: other, text: text))
                    if blocked.contains([other, user]) {
                        #expect(reply.error != nil)
                    } else if let recipient = online[other] {
                        #expect(reply.ok)
                        recipient.expected.append(.message(DeliveredMessage(from: user, text: text, kind: .direct)))
                    } else {
                        #expect(reply.stored == true)
                        waiting[other, default: []].append(
                            .message(DeliveredMessage(from: user, text: text, kind: .offline)))
                    }
                case 2:
                    let text = "all\(step)"
                    _ = try await session.client.request(.broadcast(text: text))
                    for (name, recipient) in online where name != user && !blocked.contains([name, user]) {
                        recipient.expected.append(.message(DeliveredMessage(from: user, text: text, kind: .broadcast)))
                    }
                case 3 where other != user && !blocked.contains([user, other]):
                    try await session.client.ok(.block(user: other))
                    blocked.insert([user, other])
                case 4 where blocked.contains([user, other]):
                    try await session.client.ok(.unblock(user: other))
                    blocked.remove([user, other])
                default:
                    try await session.client.ok(.whoelse)
                }
            }
            for (name, session) in online {
                while await session.client.arrived.count(where: { if case .event = $0 { true } else { false } })
                    < session.expected.count
                {
                    _ = try await session.client.nextEvent()
                }
                try await check(name, session)
            }
        }
    }
}
