import Foundation
import ParleyProtocol
import Synchronization
import Testing

@testable import ParleyClient

/// The client asks for `receipts` and confirms the messages that waited for it once it has shown them: every
/// 100 on the way through a long backlog, and the rest at its end, so a connection lost meanwhile brings again
/// only what was not confirmed.
@Suite struct WaitingMessageReceiptsTests {
    /// The counts of the `received` requests the server got.
    private final class Seen: Sendable {
        private let state = Mutex([Int]())
        var counts: [Int] { state.withLock { $0 } }
        func received(_ count: Int) { state.withLock { $0.append(count) } }
    }

    @Test func aLongBacklogIsConfirmedAsItIsShown() async throws {
        let seen = Seen()
        let sent = Date(timeIntervalSince1970: 1_800_000_000)
        let answer: @Sendable (Int, Request) -> String = { id, request in
            switch request.command {
            case .login:
                let messages = (1...250).map {
                    ServerFrame.event(
                        .message(DeliveredMessage(from: "alice", text: "m\($0)", kind: .offline, sent: sent)))
                }
                return
                    ([wireLines(.reply(Reply(id: .number(id), username: "dan", waiting: 250)))]
                    + messages.map { wireLines($0) }).joined(separator: "\n")
            case .received(let count):
                seen.received(count)
                return wireLines(.reply(Reply(id: .number(id))))
            default:
                return wireLines(.reply(Reply(id: .number(id))))
            }
        }
        try await withAnsweringServer(answer) { port in
            let client = TestClient(port: port)
            await client.type("dan", "secret")
            try await client.expect(within: 10, "the last waiting message") { $0.hasSuffix(": m250") }
            try await within(10, "the last receipt") {
                while seen.counts.last != 250 { try await Task.sleep(for: .milliseconds(10)) }
            }
            #expect(seen.counts == [100, 200, 250])
            await client.type("logout")
            #expect(await client.run.value == .loggedOut)
        }
    }
}
