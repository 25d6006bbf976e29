import Foundation
import NIOCore
import ParleyProtocol
import Testing

@testable import ParleyServerWire

/// The server's hand-written encoder must write exactly what `WireCodec` (JSONEncoder) writes.
@Suite struct FrameEncoderTests {
    private let texts = [
        "hello", "", "with \"quotes\" and \\ backslash", "a/b//c", "tab\tnew\nline\r", "\u{1}\u{1f}\u{8}\u{c}\u{7f}",
        "héllo wörld ✓ 🎉", "\u{2028}\u{2029}", String(repeating: "x", count: 4096),
    ]

    private func expectSame(_ frame: ServerFrame) {
        let fast = FrameEncoder().encode(frame, allocator: ByteBufferAllocator())
        let reference = WireCodec().line(frame)
        #expect(
            Array(fast.readableBytesView) == Array(reference),
            "\(String(buffer: fast)) vs \(String(decoding: reference, as: UTF8.self))")
    }

    @Test func messageEvents() {
        for text in texts {
            for kind in [MessageKind.direct, .broadcast] {
                expectSame(.event(.message(DeliveredMessage(from: "al.ice_-9", text: text, kind: kind))))
            }
        }
    }

    @Test func offlineMessagesWithTheirDates() {
        let dates = [0, 1, 59.999, 951_782_400, 1_764_080_028.5, 4_102_444_799, 1_709_164_800, 1_735_689_599.9]
        for seconds in dates {
            let message = DeliveredMessage(
                from: "bob", text: "see you", kind: .offline, sent: Date(timeIntervalSince1970: seconds))
            expectSame(.event(.message(message)))
        }
    }

    @Test func presenceEvents() {
        expectSame(.event(.presence(user: "bob", online: true)))
        expectSame(.event(.presence(user: "bob", online: false)))
    }

    @Test func replies() {
        let ids: [RequestID?] = [.number(7), .number(-3), .number(Int.max), .string("a\"b/c"), nil]
        for id in ids {
            expectSame(.reply(Reply(id: id)))
            expectSame(.reply(Reply(id: id, stored: false)))
            expectSame(.reply(Reply(id: id, stored: true)))
            expectSame(.reply(Reply(id: id, partial: true)))
            expectSame(.reply(Reply(id: id, username: "alice", waiting: 12)))
            expectSame(.reply(.failure(id, .invalidUser)))
            expectSame(.reply(.failure(id, .notBlocked, subject: "bob \"the\" /builder")))
            expectSame(.reply(Reply(id: id, users: [])))
            expectSame(.reply(Reply(id: id, users: ["alice"])))
            expectSame(.reply(Reply(id: id, users: ["a", "b.c", "d_e-9"] + texts)))
            expectSame(.reply(Reply(id: id, version: 1, server: "parleyd")))
        }
    }

    /// A connection's output in one tick is encoded in place, behind what it already has, which may be bytes
    /// shared with other connections (a broadcast, presence events): those must stay as they were.
    @Test func framesEncodedBehindEarlierOutputAppendExactlyTheirBytes() {
        let frames: [ServerFrame] = [
            .reply(Reply(id: .number(1))),
            .event(
                .message(DeliveredMessage(from: "bob", text: String(repeating: "long ", count: 300), kind: .direct))),
            .event(.presence(user: "carol", online: true)),
            .reply(.failure(.number(2), .invalidUser)),
            .event(.privateRequest(from: "alice")),
        ]
        let shared = ByteBufferAllocator().buffer(string: #"{"event":"presence","online":false,"user":"dave"}"# + "\n")
        var outbox = shared
        var expected = Array(shared.readableBytesView)
        for frame in frames {
            FrameEncoder().encode(frame, into: &outbox)
            expected += WireCodec().line(frame)
        }
        #expect(Array(outbox.readableBytesView) == expected)
        #expect(String(buffer: shared) == #"{"event":"presence","online":false,"user":"dave"}"# + "\n")
    }

    @Test func otherEventsGoThroughTheCodec() {
        expectSame(.event(.privateRequest(from: "alice")))
        expectSame(.event(.loggedOut(reason: .inactivity)))
    }
}
