import NIOCore
import ParleyFraming
import Testing

/// The line rule the server's connection handler applies (the client's `LineFrameDecoder` too). That the
/// server takes a last line without newline at close as a request is checked end to end in
/// `MisbehavingClientTests`.
@Suite struct LineSplitterTests {
    /// Feeds `reads` one after another as the handler does, keeping what is left of a line between reads.
    private func lines(_ reads: [String], limit: Int = 16) throws -> [String] {
        var splitter = LineSplitter(maxLength: limit)
        var pending = ByteBuffer()
        var result: [String] = []
        for read in reads {
            pending.writeString(read)
            while let line = try splitter.nextLine(from: &pending) { result.append(String(buffer: line)) }
        }
        return result
    }

    @Test func splitsLinesAcrossAndWithinReads() throws {
        #expect(try lines(["one\ntw"]) == ["one"])
        #expect(try lines(["one\ntw", "o\r\nthree\n\n"]) == ["one", "two", "three", ""])
    }

    @Test func aLineAtTheLimitPassesAndOneOverFails() throws {
        #expect(try lines(["abcd\n"], limit: 4) == ["abcd"])
        #expect(throws: LineTooLongError.self) { try lines(["abcd\n", "abcde\n"], limit: 4) }
    }

    @Test func anEndlessLineFailsBeforeItsNewlineArrives() throws {
        #expect(throws: LineTooLongError.self) { try lines([String(repeating: "x", count: 9)], limit: 8) }
    }

    /// Found by the fuzzer: a line at the limit ending in `\r\n`, read with the `\n` in the next read, was
    /// refused as too long while the same bytes in one read passed.
    @Test func aLineAtTheLimitPassesWhenItsNewlineComesInTheNextRead() throws {
        #expect(try lines(["abcd\r", "\n"], limit: 4) == ["abcd"])
        #expect(throws: LineTooLongError.self) { try lines(["abcd\r", "x\n"], limit: 4) }
        #expect(throws: LineTooLongError.self) { try lines(["abcde"], limit: 4) }
    }
}
