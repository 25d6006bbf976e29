import Foundation
import ParleyProtocol
import Testing

@Suite struct MisbehavingClientTests {
    @Test func malformedLinesGetAnErrorAndTheConnectionStays() async throws {
        try await withServer { server in
            let client = try await server.connect()
            try await client.sendLine("this is not json")
            let reply = try await client.reply(id: nil)
            #expect(reply.error?.code == .malformedRequest)
            try await client.sendLine(#"{"id": 9, "op": "message"}"#)
            #expect(try await client.reply(id: .number(9)).error?.code == .malformedRequest)
            try await client.sendLine(#"{"id": "x", "op": "dance"}"#)
            #expect(try await client.reply(id: .string("x")).error?.code == .invalidCommand)
            try await client.hello()
        }
    }

    @Test func aRequestSplitAcrossReadsIsWholeAndALastOneWithoutNewlineStillCounts() async throws {
        try await withServer { server in
            let alice = try await server.login("alice")
            let bob = try await server.login("bob")
            let line = Array(#"{"id":7,"op":"message","to":"bob","text":"in two"}"#.utf8) + [UInt8(ascii: "\n")]
            try await alice.sendRaw(Array(line[..<20]))
            // Pacing only, so the halves reach the server in separate reads; nothing waits on it.
            try await Task.sleep(for: .milliseconds(50))
            try await alice.sendRaw(Array(line[20...]))
            #expect(try await alice.reply(id: .number(7)).ok == true)
            _ = try await bob.waitForEvent {
                $0 == .message(DeliveredMessage(from: "alice", text: "in two", kind: .direct))
            }
            try await alice.sendRaw(Array(#"{"id":8,"op":"message","to":"bob","text":"last words"}"#.utf8))
            await alice.close()
            _ = try await bob.waitForEvent {
                $0 == .message(DeliveredMessage(from: "alice", text: "last words", kind: .direct))
            }
        }
    }

    @Test func anOversizedLineIsRefusedAndClosedWithoutDisturbingOthers() async throws {
        try await withServer(.init(maxLineBytes: 1024)) { server in
            let alice = try await server.login("alice")
            let bob = try await server.login("bob")
            try await bob.sendRaw(Array(repeating: UInt8(ascii: "x"), count: 4000))
            let reply = try await bob.reply(id: nil)
            #expect(reply.error?.code == .lineTooLong)
            _ = try await bob.waitForClose()
            _ = try await alice.waitForEvent { $0 == .presence(user: "bob", online: false) }
            #expect(try await alice.ok(.whoelse).users == [])
        }
    }

    /// By broadcasts (one encoding shared by all) and by direct messages (each encoded into the slow client's
    /// own waiting output): either way its unread output counts against the limit.
    @Test(arguments: [false, true])
    func aClientThatNeverReadsIsDisconnectedWhileOthersCarryOn(direct: Bool) async throws {
        try await withServer(.init(maxOutboundBytes: 64 * 1024, commandRate: nil)) { server in
            let sender = try await server.login("sender")
            let reader = try await server.login("reader")
            // The sloth connects with a raw socket and never reads, so its kernel buffers fill up.
            let sloth = try RawSocket(port: server.port)
            try sloth.send(#"{"id":1,"op":"hello","version":1}"# + "\n")
            try sloth.send(#"{"id":2,"op":"register","username":"sloth","password":"pw","confirmation":"pw"}"# + "\n")
            _ = try await sender.waitForEvent { $0 == .presence(user: "sloth", online: true) }
            let text = String(repeating: "z", count: 4000)
            var slothGone = false
            for round in 0..<2000 where !slothGone {
                try await sender.ok(direct ? .message(to: "sloth", text: text) : .broadcast(text: text))
                if round % 50 == 0 {
                    slothGone = try await sender.ok(.whoelse).users?.contains("sloth") == false
                }
            }
            #expect(slothGone)
            try await sender.ok(.message(to: "reader", text: "still here"))
            _ = try await reader.waitForEvent {
                $0 == .message(DeliveredMessage(from: "sender", text: "still here", kind: .direct))
            }
            sloth.close()
        }
    }
}
