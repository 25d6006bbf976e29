import Foundation
import NIOCore
import NIOEmbedded
import ParleyCore
import ParleyProtocol
import Testing

@testable import ParleyServer

/// Output goes to the socket directly (plaintext: `DirectSocketWrite`; NIOSSL's records: `TLSRecordWriter`)
/// and through SwiftNIO only when the socket is full: nothing may be lost, repeated or reordered across the switch, and nothing may reach
/// a socket that took over the descriptor number of one that closed. (Debug builds, which the tests run, also
/// check each direct write's socket against its `SO_COOKIE`.)
@Suite struct DirectWriteTests {
    @Test func aClientThatReadsSlowlyGetsEveryMessageOnceInOrder() async throws {
        try await withServer(.init(maxOutboundBytes: 64 << 20, commandRate: nil)) { server in
            let sender = try await server.login("sender")
            let slow = try RawSocket(port: server.port)
            try slow.send(#"{"id":1,"op":"hello","version":1}"# + "\n")
            try slow.send(#"{"id":2,"op":"register","username":"slow","password":"pw","confirmation":"pw"}"# + "\n")
            #expect(try slow.readLines(2).allSatisfy { $0.contains(#""ok":true"#) })

            // Each batch is far more than the kernel holds for a reader with a 4 kB receive buffer, and the
            // reader takes only part of it before the next: the server's writes go from the socket to
            // SwiftNIO's queue (a partial write, then a full socket) and back.
            let padding = String(repeating: "z", count: 4000)
            let batches = 3
            let perBatch = 800
            var numbers: [Int] = []
            for batch in 0..<batches {
                for index in 0..<perBatch {
                    try await sender.ok(.message(to: "slow", text: "\(batch * perBatch + index) \(padding)"))
                }
                numbers += try Self.messageNumbers(slow.readLines(perBatch / 3))
            }
            numbers += try Self.messageNumbers(slow.readLines(batches * perBatch - numbers.count))
            #expect(numbers == Array(0..<(batches * perBatch)))
            slow.close()
        }
    }

    /// Over TLS the same holds for the records NIOSSL makes (`TLSRecordWriter`), written directly or, once the
    /// socket is full, through SwiftNIO.
    @Test(arguments: [false, true])
    func aClientThatStopsReadingGetsEveryMessageOnceInOrder(overTLS: Bool) async throws {
        let options = ServerOptions(
            maxOutboundBytes: 64 << 20, commandRate: nil, transport: overTLS ? .selfSignedTLS : .plaintext)
        try await withServer(options) { server in
            let sender = try await server.login("sender")
            // A small receive buffer: the server's socket is full after a few kB that the client leaves unread.
            let slow = try await server.login("slow", receiveBuffer: 4096)
            let padding = String(repeating: "z", count: 4000)
            let batches = 3
            let perBatch = 800
            var numbers: [Int] = []
            for batch in 0..<batches {
                try await slow.setReading(false)
                for index in 0..<perBatch {
                    try await sender.ok(.message(to: "slow", text: "\(batch * perBatch + index) \(padding)"))
                }
                try await slow.setReading(true)
                numbers += try await Self.messageNumbers(perBatch / 3, from: slow)
            }
            numbers += try await Self.messageNumbers(batches * perBatch - numbers.count, from: slow)
            #expect(numbers == Array(0..<(batches * perBatch)))
        }
    }

    @Test(arguments: [false, true])
    func aNewConnectionNeverHearsWhatWasMeantForAClosedOneWithItsDescriptor(overTLS: Bool) async throws {
        try await withServer(.init(commandRate: nil, transport: overTLS ? .selfSignedTLS : .plaintext)) { server in
            let sender = try await server.login("sender")
            for round in 0..<40 {
                let name = "gone\(round)"
                let leaving = try await server.login(name)
                // Messages for the leaving user are on their way when it drops, and the next connection is
                // likely to get the descriptor number the kernel frees.
                for index in 0..<5 {
                    let line = #"{"id":"r\#(round)-\#(index)","op":"message","to":"\#(name)","text":"for \#(name)"}"#
                    try await sender.sendLine(line)
                }
                await leaving.close()
                let fresh = try await server.connect()
                try await fresh.hello()
                // Anything the server wrongly wrote to this socket earlier arrives before this reply.
                try await fresh.ok(.ping)
                let arrived = await fresh.arrived
                #expect(arrived.count == 2, "round \(round): \(arrived)")
                await fresh.close()
            }
        }
    }

    /// The numbers at the start of the texts of the next `count` message events `client` hears.
    private static func messageNumbers(_ count: Int, from client: WireClient) async throws -> [Int] {
        var numbers: [Int] = []
        while numbers.count < count {
            guard case .message(let message) = try await client.nextEvent() else { continue }
            numbers += Int(message.text.prefix { $0 != " " }).map { [$0] } ?? []
        }
        return numbers
    }

    /// The numbers at the start of the message events' texts, in the order they arrived.
    private static func messageNumbers(_ lines: [String]) throws -> [Int] {
        try lines.compactMap { line in
            guard case .event(.message(let message)) = try WireCodec().decodeServerFrame(Array(line.utf8)) else {
                return nil
            }
            return Int(message.text.prefix { $0 != " " })
        }
    }
}

/// `ConnectionSlot.sendDirectly` on one end of a socket pair: when it may write, and what it leaves for
/// SwiftNIO.
@Suite struct SendDirectlyTests {
    /// Runs `body` with a slot whose socket is one end of a pair (the other end given as `peer`), its channel
    /// active, and closes both ends afterwards.
    private func withConnectedSlot(_ body: (ConnectionSlot, _ peer: CInt) throws -> Void) throws {
        try withSocketPair { channel, ours, peer in
            try body(ConnectionSlot(id: ConnectionID(1), channel: channel, socket: ours), peer)
        }
    }

    @Test func writesEverythingWhenTheSocketHasRoom() throws {
        try withConnectedSlot { slot, peer in
            var bytes = ByteBuffer(string: "hello\n")
            #expect(slot.sendDirectly(&bytes))
            #expect(bytes.readableBytes == 0)
            #expect(drainSocket(peer) == Array("hello\n".utf8))
        }
    }

    @Test func leavesEverythingToSwiftNIOWhileItHoldsEarlierOutput() throws {
        try withConnectedSlot { slot, peer in
            slot.writesInNIO = 1
            var bytes = ByteBuffer(string: "later\n")
            #expect(!slot.sendDirectly(&bytes))
            #expect(bytes.readableBytes == 6)
            #expect(drainSocket(peer) == [])
        }
    }

    @Test func writesNothingOnceTheChannelIsClosed() throws {
        try withConnectedSlot { slot, peer in
            _ = try (slot.channel as! EmbeddedChannel).finish()
            var bytes = ByteBuffer(string: "too late\n")
            #expect(!slot.sendDirectly(&bytes))
            #expect(drainSocket(peer) == [])
        }
    }

    @Test func leavesWhatAFullSocketDidNotTake() throws {
        try withConnectedSlot { slot, peer in
            var bytes = ByteBuffer(repeating: UInt8(ascii: "x"), count: 4 << 20)
            #expect(!slot.sendDirectly(&bytes))
            let taken = 4 << 20 - bytes.readableBytes
            #expect(taken > 0 && bytes.readableBytes > 0)
            #expect(drainSocket(peer).count == taken)
        }
    }
}
