import Foundation
import NIOCore
import ParleyFraming
import ParleyProtocol
import ParleyServerWire

/// The server's hand-written wire code against what it must match, on hostile bytes. A difference is a
/// bug, so it stops the run (`fatalError`) and libFuzzer keeps the input:
/// - `RequestDecoder` (the fast scanner behind every request) decides each line exactly as `WireCodec` does:
///   the same request, or the same error (`decode`, through which the core run reads every line, as the
///   server does);
/// - `FrameEncoder` writes exactly `WireCodec`'s bytes for every frame the core sent during the run, and for
///   message, presence and reply frames made from each line (any text, any date from 1970 to 9999: the
///   server's clock gives nothing else, and before 1583 Foundation's calendar is Julian, ours Gregorian);
/// - `LineSplitter` cuts the input into the same lines, and refuses the same too-long line, however the
///   bytes are cut into reads, and both agree with the rule written out plainly (`expectedLines`).
struct ServerWireFuzzHarness {
    private let codec = WireCodec()

    /// The line decoded as the server decodes it, after checking that `WireCodec` decides it the same way.
    func decode(_ line: ArraySlice<UInt8>) -> Result<Request, RequestDecodingFailure> {
        let fast = RequestDecoder().decode(ByteBuffer(bytes: line))
        let reference = codec.decodeRequest(line)
        guard fast == reference else {
            fatalError("RequestDecoder and WireCodec differ on \(Array(line)): \(fast) against \(reference)")
        }
        return fast
    }

    /// The encoder and the splitter, on the input's lines and on the frames the core sent for them.
    func check(_ bytes: [UInt8], sentFrames: [ServerFrame]) {
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: true) {
            for frame in frames(from: line) { checkEncoding(frame) }
        }
        for frame in sentFrames { checkEncoding(frame) }
        checkSplitting(bytes)
    }

    private func checkEncoding(_ frame: ServerFrame) {
        let fast = FrameEncoder().encode(frame, allocator: ByteBufferAllocator())
        let reference = codec.line(frame)
        guard Array(fast.readableBytesView) == Array(reference) else {
            fatalError(
                "FrameEncoder and WireCodec differ on \(frame): \(String(buffer: fast)) against "
                    + String(decoding: reference, as: UTF8.self))
        }
    }

    /// Frames of every shape `FrameEncoder` writes itself, carrying the line as text, name and error message.
    private func frames(from line: ArraySlice<UInt8>) -> [ServerFrame] {
        let text = String(decoding: line, as: UTF8.self)
        var seed: UInt64 = 0
        for byte in line.prefix(8) { seed = seed << 8 | UInt64(byte) }
        let latest: UInt64 = 253_402_300_799  // 9999-12-31T23:59:59Z
        let sent = Date(timeIntervalSince1970: Double(seed % latest) + Double(line.last ?? 0) / 256)
        let code = ErrorCode.allCases[Int(seed % UInt64(ErrorCode.allCases.count))]
        let number = Int(truncatingIfNeeded: seed)
        return [
            .event(.message(DeliveredMessage(from: text, text: text, kind: .direct))),
            .event(.message(DeliveredMessage(from: text, text: text, kind: .broadcast))),
            .event(.message(DeliveredMessage(from: text, text: text, kind: .offline, sent: sent))),
            .event(.presence(user: text, online: seed % 2 == 0)),
            .reply(Reply(id: .string(text), ok: false, error: ErrorBody(code: code, message: text))),
            .reply(Reply(id: .number(number), partial: seed % 3 == 0, users: [text, "", text])),
            .reply(Reply(id: nil, username: text, stored: seed % 5 == 0, waiting: number)),
        ]
    }

    private func checkSplitting(_ bytes: [UInt8]) {
        let maxLength = 1 + Int(bytes.first ?? 0) % 48
        let whole = split([bytes[...]], maxLength: maxLength)
        let piecewise = split(fuzzReads(bytes, longest: 23), maxLength: maxLength)
        let expected = expectedLines(bytes, maxLength: maxLength)
        guard whole == piecewise, whole == expected else {
            fatalError(
                "LineSplitter (limit \(maxLength)) cut \(bytes) into \(whole) at once, \(piecewise) in reads, "
                    + "expected \(expected)")
        }
    }

    /// The lines `LineSplitter` gives for `reads` arriving one after the other, and whether it refused one.
    private func split(_ reads: [ArraySlice<UInt8>], maxLength: Int) -> Cut {
        var splitter = LineSplitter(maxLength: maxLength)
        var buffer = ByteBuffer()
        var cut = Cut()
        for read in reads {
            buffer.writeBytes(read)
            do {
                while let line = try splitter.nextLine(from: &buffer) {
                    cut.lines.append(Array(line.readableBytesView))
                }
            } catch {
                cut.refused = true
                return cut
            }
        }
        return cut
    }

    /// The framing rule without the incremental scan: whole lines, a `\r` before the newline dropped, and
    /// the first line longer than the limit refused, as is a last unfinished one that is already longer
    /// than the limit (plus the `\r` a longest line may still end with).
    private func expectedLines(_ bytes: [UInt8], maxLength: Int) -> Cut {
        var cut = Cut()
        var rest = bytes[...]
        while let newline = rest.firstIndex(of: 0x0A) {
            var line = rest[..<newline]
            if line.last == 0x0D { line = line.dropLast() }
            guard line.count <= maxLength else {
                cut.refused = true
                return cut
            }
            cut.lines.append(Array(line))
            rest = rest[(newline + 1)...]
        }
        let allowance = rest.last == 0x0D ? maxLength + 1 : maxLength
        cut.refused = rest.count > allowance
        return cut
    }

    private struct Cut: Equatable, CustomStringConvertible {
        var lines: [[UInt8]] = []
        var refused = false

        var description: String { "\(lines.count) lines \(lines)\(refused ? ", then refused" : "")" }
    }
}
