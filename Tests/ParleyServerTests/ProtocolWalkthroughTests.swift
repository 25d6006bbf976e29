import Foundation
import Testing

/// The "Try it with nc" walkthrough of docs/PROTOCOL.md, typed into a real server line by line as its reader
/// would: every `>` line is sent as written, and every `<` line must come back as written, so the document
/// cannot drift from what the server says. Only a token, shown cut short as "5f0c…", and the time a message
/// was sent may differ.
@Suite struct ProtocolWalkthroughTests {
    /// One fenced block of the walkthrough: who types it and its lines, in order.
    private struct Block {
        let speaker: String
        let lines: [String]
    }

    /// Whose terminal each block of the walkthrough is, in order (the prose between them says so).
    private static let speakers = ["alice", "alice", "bob", "bob", "alice", "bob", "alice"]

    @Test func theWalkthroughIsWhatTheServerSays() async throws {
        let blocks = try Self.walkthroughBlocks()
        #expect(blocks.count == Self.speakers.count, "the walkthrough's blocks changed: update `speakers`")
        guard blocks.count == Self.speakers.count else { return }
        try await withServer { server in
            var sockets = ["alice": try RawSocket(port: server.port)]
            defer {
                for socket in sockets.values { socket.close() }
            }
            for (index, block) in blocks.enumerated() {
                switch index {
                case 1:  // "Now log in as bob from a third terminal the same way"
                    let bob = try RawSocket(port: server.port)
                    sockets["bob"] = bob
                    try Self.greet(
                        bob,
                        then: [
                            #"{"id":2,"op":"login","username":"bob","password":"rabbit"}"#,
                            #"{"id":3,"op":"register","username":"bob","password":"rabbit","confirmation":"rabbit"}"#,
                        ])
                case 5:  // "Bob logs in again", on a new connection, the whole exchange in the block.
                    sockets["bob"]?.close()
                    sockets["bob"] = try RawSocket(port: server.port)
                default:
                    break
                }
                let socket = try #require(sockets[block.speaker])
                for line in block.lines {
                    if line.hasPrefix("> ") {
                        try socket.send(line.dropFirst(2) + "\n")
                    } else {
                        try Self.expect(String(line.dropFirst(2)), from: socket, block: index + 1)
                    }
                }
            }
        }
    }

    /// Says hello on `socket` and sends `requests`, each answered without an error or with `new_user`.
    private static func greet(_ socket: RawSocket, then requests: [String]) throws {
        for request in [#"{"id":1,"op":"hello","version":1}"#] + requests {
            try socket.send(request + "\n")
            let reply = try socket.readLines(1)[0]
            #expect(reply.contains(#""ok":true"#) || reply.contains(#""code":"new_user""#), "\(reply)")
        }
    }

    /// Reads from `socket` until `documented` comes. Events on the way that the walkthrough tells in prose
    /// rather than in a `<` line (Alice's `private_ready`, say) are passed over; a reply never is.
    private static func expect(_ documented: String, from socket: RawSocket, block: Int) throws {
        let pattern = try Regex(documentedPattern(documented))
        var passedOver: [String] = []
        while true {
            let line: String
            do {
                line = try socket.readLines(1)[0]
            } catch {
                let events = passedOver.joined(separator: "\n  ")
                Issue.record("block \(block): expected \(documented)\n  got nothing (\(error)) after\n  \(events)")
                throw error
            }
            if line.wholeMatch(of: pattern) != nil { return }
            passedOver.append(line)
            if !line.hasPrefix(#"{"event":"#) {
                Issue.record("block \(block): expected \(documented)\n  got \(line)")
                return
            }
        }
    }

    /// `documented` as a regular expression: itself, except that a string shown cut short with "…" (a token,
    /// an example of its kind) stands for any string, and a time for any time.
    static func documentedPattern(_ documented: String) -> String {
        var pattern = ""
        var rest = Substring(documented)
        let wildcard = #/"[^"]*…"|"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"/#
        while let match = rest.firstMatch(of: wildcard) {
            pattern += NSRegularExpression.escapedPattern(for: String(rest[..<match.range.lowerBound]))
            let text = String(rest[match.range])
            if text.hasSuffix("…\"") {
                pattern += #""[^"]*""#
            } else {
                pattern += #""\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ""#
            }
            rest = rest[match.range.upperBound...]
        }
        return pattern + NSRegularExpression.escapedPattern(for: String(rest))
    }

    /// The fenced blocks of the section "Try it with nc", each with its `>` and `<` lines.
    private static func walkthroughBlocks() throws -> [Block] {
        let document = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/PROTOCOL.md")
        let text = try String(contentsOf: document, encoding: .utf8)
        guard let start = text.range(of: "## Try it with nc"), let end = text.range(of: "\n## Requests") else {
            Issue.record("docs/PROTOCOL.md has no section \"Try it with nc\" before \"Requests\"")
            return []
        }
        var blocks: [[String]] = []
        var inside = false
        for line in text[start.upperBound..<end.lowerBound].split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") {
                inside.toggle()
                if inside { blocks.append([]) }
            } else if inside, line.hasPrefix("> ") || line.hasPrefix("< ") {
                blocks[blocks.count - 1].append(String(line))
            }
        }
        return zip(speakers, blocks).map { Block(speaker: $0, lines: $1) }
    }
}

@Suite struct DocumentedPatternTests {
    @Test func elisionsAndTimesAreTheOnlyWildcards() throws {
        let pattern = try Regex(
            ProtocolWalkthroughTests.documentedPattern(#"{"sent":"2026-11-25T14:10:28Z","token":"5f0c…","x":1}"#))
        #expect(#"{"sent":"2031-01-02T03:04:05Z","token":"2ac96984b60a","x":1}"#.wholeMatch(of: pattern) != nil)
        #expect(#"{"sent":"2031-01-02T03:04:05Z","token":"a\"b","x":1}"#.wholeMatch(of: pattern) == nil)
        #expect(#"{"sent":"2031-01-02T03:04:05Z","token":"5f0c","x":12}"#.wholeMatch(of: pattern) == nil)
        #expect(#"{"sent":"later","token":"5f0c","x":1}"#.wholeMatch(of: pattern) == nil)
    }
}
