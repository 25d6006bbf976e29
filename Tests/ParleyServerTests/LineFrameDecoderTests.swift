import NIOCore
import NIOEmbedded
import ParleyFraming
import Testing

@Suite struct LineFrameDecoderTests {
    private func channel(limit: Int = 16) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFrameDecoder(maxLength: limit)))
        return channel
    }

    private func lines(_ channel: EmbeddedChannel) throws -> [String] {
        var result: [String] = []
        while let buffer = try channel.readInbound(as: ByteBuffer.self) {
            result.append(String(buffer: buffer))
        }
        return result
    }

    @Test func splitsLinesAcrossAndWithinReads() throws {
        let channel = try channel()
        try channel.writeInbound(ByteBuffer(string: "one\ntw"))
        #expect(try lines(channel) == ["one"])
        try channel.writeInbound(ByteBuffer(string: "o\r\nthree\n\n"))
        #expect(try lines(channel) == ["two", "three", ""])
    }

    @Test func aLineAtTheLimitPassesAndOneOverFails() throws {
        let channel = try channel(limit: 4)
        try channel.writeInbound(ByteBuffer(string: "abcd\n"))
        #expect(try lines(channel) == ["abcd"])
        #expect(throws: LineTooLongError.self) { try channel.writeInbound(ByteBuffer(string: "abcde\n")) }
    }

    @Test func anEndlessLineFailsBeforeItsNewlineArrives() throws {
        let channel = try channel(limit: 8)
        #expect(throws: LineTooLongError.self) {
            try channel.writeInbound(ByteBuffer(string: String(repeating: "x", count: 9)))
        }
    }

    @Test func aLastLineWithoutNewlineIsDeliveredAtEOF() throws {
        let channel = try channel()
        try channel.writeInbound(ByteBuffer(string: "tail"))
        #expect(try lines(channel) == [])
        _ = try channel.finish()
        #expect(try lines(channel) == ["tail"])
    }
}
