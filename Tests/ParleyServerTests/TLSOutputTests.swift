import Foundation
import NIOCore
import NIOEmbedded
import ParleyCore
import ParleyProtocol
import Testing

@testable import ParleyServer

/// `TLSRecordWriter` on one end of a socket pair, below an embedded channel's pipeline: records go to the
/// socket while SwiftNIO holds none, and through SwiftNIO, in order, from the first one the socket did not take
/// until SwiftNIO has written them.
@Suite struct TLSRecordWriterTests {
    private func withWriter(_ body: (EmbeddedChannel, TLSRecordWriter, _ peer: CInt) throws -> Void) throws {
        try withSocketPair { channel, ours, peer in
            let writer = TLSRecordWriter(socket: ours)
            try channel.pipeline.syncOperations.addHandler(writer)
            try body(channel, writer, peer)
        }
    }

    @Test func aRecordGoesToTheSocketAndItsWriteSucceeds() throws {
        try withWriter { channel, writer, peer in
            let written = channel.eventLoop.makePromise(of: Void.self)
            channel.write(ByteBuffer(string: "record"), promise: written)
            try written.futureResult.wait()
            #expect(drainSocket(peer) == Array("record".utf8))
            #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
            #expect(writer.writesInNIO == 0)
        }
    }

    @Test func fromTheFirstRecordAFullSocketDidNotTakeEverythingGoesThroughSwiftNIOInOrder() throws {
        try withWriter { channel, writer, peer in
            let large = ByteBuffer(repeating: UInt8(ascii: "a"), count: 4 << 20)
            channel.write(large, promise: nil)
            #expect(writer.writesInNIO == 1)
            // The socket has room again, but SwiftNIO still holds the rest of the first record.
            let direct = drainSocket(peer)
            #expect(!direct.isEmpty && direct.count < 4 << 20 && direct.allSatisfy { $0 == UInt8(ascii: "a") })
            channel.write(ByteBuffer(string: "after"), promise: nil)
            #expect(writer.writesInNIO == 2)
            #expect(drainSocket(peer) == [])

            channel.flush()  // SwiftNIO (here the embedded channel) writes them: its writes complete
            #expect(writer.writesInNIO == 0)
            let rest = try #require(try channel.readOutbound(as: ByteBuffer.self))
            #expect(direct.count + rest.readableBytes == 4 << 20)
            #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "after"))

            channel.write(ByteBuffer(string: "direct again"), promise: nil)
            #expect(drainSocket(peer) == Array("direct again".utf8))
            #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        }
    }

    @Test func nothingReachesTheSocketOnceTheChannelIsClosed() throws {
        try withWriter { channel, _, peer in
            _ = try channel.finish()
            channel.write(ByteBuffer(string: "too late"), promise: nil)
            #expect(drainSocket(peer) == [])
        }
    }
}

/// A TLS connection's output reaches NIOSSL in flushes of at most one record's worth, so that NIOSSL's
/// buffer for a flush's records never grows past its first size (`ChatHub.writeInRecordSizedFlushes`).
@Suite struct TLSFlushTests {
    /// What reached the head of an embedded channel's pipeline: each write's size, and where flushes came.
    private final class WriteRecorder: ChannelOutboundHandler, @unchecked Sendable {
        typealias OutboundIn = ByteBuffer
        var events: [String] = []
        var bytes = ByteBuffer()

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            var buffer = unwrapOutboundIn(data)
            events.append("write \(buffer.readableBytes)")
            bytes.writeBuffer(&buffer)
            promise?.succeed()
        }

        func flush(context: ChannelHandlerContext) {
            events.append("flush")
        }
    }

    @Test func longOutputGoesInFlushesOfOneRecordEach() throws {
        let recorder = WriteRecorder()
        let channel = EmbeddedChannel(handler: recorder)
        let size = ChatHub.tlsFlushBytes
        let output = ByteBuffer(bytes: (0..<(2 * size + 100)).map { UInt8(truncatingIfNeeded: $0) })
        #expect(ChatHub.writeInRecordSizedFlushes(output, to: channel) == nil)
        #expect(
            recorder.events == ["write \(size)", "flush", "write \(size)", "flush", "write 100", "flush"])
        #expect(recorder.bytes == output)
        #expect(size + 64 <= 16 * 1024)  // a record's header and tag still fit the 16 KiB NIOSSL starts with
    }

    @Test func shortOutputGoesInOneFlush() throws {
        let recorder = WriteRecorder()
        let channel = EmbeddedChannel(handler: recorder)
        #expect(ChatHub.writeInRecordSizedFlushes(ByteBuffer(string: "short\n"), to: channel) == nil)
        #expect(recorder.events == ["write 6", "flush"])
    }

    @Test func whatFollowsOnceTheChannelIsNotWritableIsHandedBack() throws {
        let recorder = WriteRecorder()
        let channel = EmbeddedChannel(handler: recorder)
        channel.isWritable = false  // as NIO says once it holds its high water mark for a slow reader
        let size = ChatHub.tlsFlushBytes
        let output = ByteBuffer(bytes: (0..<(3 * size)).map { UInt8(truncatingIfNeeded: $0) })
        let rest = try #require(ChatHub.writeInRecordSizedFlushes(output, to: channel))
        #expect(recorder.events == ["write \(size)", "flush"])
        var whole = recorder.bytes
        whole.writeImmutableBuffer(rest)
        #expect(whole == output)
    }

    /// Hundreds of kilobytes that waited for a user arrive whole over TLS, cut into flushes in the middle
    /// of frames.
    @Test func manyWaitingMessagesArriveWholeOverTLS() async throws {
        try await withServer(.init(commandRate: nil, transport: .selfSignedTLS)) { server in
            let bob = try await server.login("bob")
            try await bob.ok(.logout)
            let alice = try await server.login("alice")
            let padding = String(repeating: "p", count: 1000)
            let count = 400
            for index in 0..<count {
                #expect(try await alice.ok(.message(to: "bob", text: "\(index) \(padding)")).stored == true)
            }
            let again = try await server.connect()
            try await again.hello()
            #expect(try await again.ok(.login(username: "bob", password: "secret")).waiting == count)
            var numbers: [Int] = []
            while numbers.count < count {
                guard case .message(let message) = try await again.nextEvent() else { continue }
                #expect(message.text.hasSuffix(padding))
                numbers += Int(message.text.prefix { $0 != " " }).map { [$0] } ?? []
            }
            #expect(numbers == Array(0..<count))
        }
    }
}
