import NIOCore
import NIOEmbedded
import ParleyFraming
import ParleyProtocol
import Testing

@testable import ParleyClient

@Suite("Line framing and direct-session frames")
struct FramingTests {
    private func channel(maxLength: Int = 16) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(
            ByteToMessageHandler(LineFrameDecoder(maxLength: maxLength)))
        return channel
    }

    private func readLines(_ channel: EmbeddedChannel) throws -> [String] {
        var lines: [String] = []
        while let buffer = try channel.readInbound(as: ByteBuffer.self) {
            lines.append(String(buffer: buffer))
        }
        return lines
    }

    @Test func splitsLinesAndDropsCarriageReturns() throws {
        let channel = try channel()
        try channel.writeInbound(ByteBuffer(string: "one\ntwo\r\nthr"))
        #expect(try readLines(channel) == ["one", "two"])
        try channel.writeInbound(ByteBuffer(string: "ee\n\n"))
        #expect(try readLines(channel) == ["three", ""])
    }

    @Test func refusesLinesOverTheLimit() throws {
        let channel = try channel(maxLength: 4)
        try channel.writeInbound(ByteBuffer(string: "1234\n"))
        #expect(try readLines(channel) == ["1234"])
        #expect(throws: LineTooLongError.self) {
            try channel.writeInbound(ByteBuffer(string: "12345"))
        }
    }

    @Test func aPartialLineAtCloseIsNotAFrame() throws {
        let channel = try channel()
        try channel.writeInbound(ByteBuffer(string: "done\npart"))
        #expect(try readLines(channel) == ["done"])
        _ = try channel.finish()
        #expect(try readLines(channel) == [])
    }

    @Test(arguments: [
        PeerFrame.hello(user: "bob", sealed: "AAEC"), .welcome(user: "alice", sealed: "AwQF"), .sealed("a+b/c=="),
    ])
    func peerFramesRoundTrip(frame: PeerFrame) throws {
        var buffer = frame.buffer
        #expect(buffer.readableBytesView.last == UInt8(ascii: "\n"))
        let line = buffer.readSlice(length: buffer.readableBytes - 1)!
        #expect(try PeerFrame(line: line) == frame)
    }

    @Test func framesAreTheDocumentedJSON() throws {
        #expect(
            String(buffer: PeerFrame.hello(user: "bob", sealed: "c2Vh").buffer)
                == "{\"sealed\":\"c2Vh\",\"type\":\"hello\",\"user\":\"bob\"}\n")
        #expect(String(buffer: PeerFrame.sealed("c2Vh").buffer) == "{\"data\":\"c2Vh\",\"type\":\"sealed\"}\n")
    }

    @Test func unknownFramesAreRejected() {
        #expect(throws: (any Error).self) { try PeerFrame(line: ByteBuffer(string: "{\"type\":\"shout\"}")) }
        #expect(throws: (any Error).self) { try PeerFrame(line: ByteBuffer(string: "not json")) }
        // Plaintext frames of the old, unsealed protocol are not frames any more.
        #expect(throws: (any Error).self) {
            try PeerFrame(line: ByteBuffer(string: "{\"type\":\"text\",\"text\":\"hi\"}"))
        }
    }

    @Test(arguments: [PrivatePayload.hello, .welcome, .text("hi \"there\" é"), .bye(.logout)])
    func sealedPayloadsRoundTrip(payload: PrivatePayload) throws {
        #expect(try PrivatePayload(data: payload.data) == payload)
    }

    @Test func payloadsAreCompactJSON() {
        #expect(
            String(decoding: PrivatePayload.text("a/b").data, as: UTF8.self) == "{\"text\":\"a/b\",\"type\":\"text\"}")
        #expect(
            String(decoding: PrivatePayload.bye(.stopped).data, as: UTF8.self)
                == "{\"reason\":\"stopped\",\"type\":\"bye\"}")
    }
}
