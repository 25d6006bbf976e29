import NIOCore
import NIOEmbedded
import ParleyProtocol
import Testing

@testable import ParleyClient

@Suite("Line framing and direct-session frames")
struct FramingTests {
    private func channel(maxLength: Int = 16) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFrameDecoder(maxLength: maxLength)))
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
        #expect(throws: LineFrameDecoder.LineTooLong.self) {
            try channel.writeInbound(ByteBuffer(string: "12345"))
        }
    }

    @Test func aPartialLineAtCloseIsNotAFrame() throws {
        let channel = try channel()
        try channel.writeInbound(ByteBuffer(string: "done\npart"))
        #expect(try readLines(channel) == ["done"])
        _ = try channel.finish()
    }

    @Test(arguments: [
        PeerFrame.hello(token: "t0k3n", user: "bob"), .welcome(user: "alice"), .text("hi \"there\""), .bye(.logout),
    ])
    func peerFramesRoundTrip(frame: PeerFrame) throws {
        var buffer = frame.buffer
        #expect(buffer.readableBytesView.last == UInt8(ascii: "\n"))
        let line = buffer.readSlice(length: buffer.readableBytes - 1)!
        #expect(try PeerFrame(line: line) == frame)
    }

    @Test func helloIsTheDocumentedJSON() throws {
        let json = String(buffer: PeerFrame.hello(token: "abc", user: "bob").buffer)
        #expect(json == "{\"token\":\"abc\",\"type\":\"hello\",\"user\":\"bob\"}\n")
    }

    @Test func unknownFramesAreRejected() {
        #expect(throws: (any Error).self) { try PeerFrame(line: ByteBuffer(string: "{\"type\":\"shout\"}")) }
        #expect(throws: (any Error).self) { try PeerFrame(line: ByteBuffer(string: "not json")) }
    }
}
