import Foundation
import ParleyProtocol
import Testing

@testable import ParleyClient

/// A server that puts terminal escape sequences into everything it words itself (error messages, the new-user
/// question, names it lists or announces): the client shows each control character as U+FFFD, so no server
/// can clear the screen, move the cursor or retitle the window of the people using it.
@Suite struct HostileServerTests {
    /// Clears the screen, then retitles the window (OSC 0, ended by BEL).
    private static let escapes = "\u{1B}[2J\u{1B}]0;owned\u{07}"
    private static let shown = "\u{FFFD}[2J\u{FFFD}]0;owned\u{FFFD}"

    private func expectNoControlCharacters(in client: TestClient) async {
        for line in await client.output {
            #expect(
                !line.unicodeScalars.contains { $0.properties.generalCategory == .control }, "\(line.debugDescription)")
        }
    }

    @Test func itsErrorMessagesAndQuestionsAreShownWithoutTheirEscapes() async throws {
        let question = "This is a new user\(Self.escapes). Please confirm your password: "
        let answer: @Sendable (Int, Request) -> String = { id, request in
            let (code, message) =
                if case .login = request.command { ("new_user", question) } else { ("invalid_user", Self.escapes) }
            let body = String(
                decoding: WireCodec().line(ErrorBody(code: ErrorCode(rawValue: code)!, message: message)), as: UTF8.self
            )
            return #"{"id":\#(id),"ok":false,"error":\#(body.dropLast())}"#
        }
        try await withAnsweringServer(answer) { port in
            let client = TestClient(port: port)
            await client.type("dan", "secret", "secret")
            try await client.expect(Self.shown)
            #expect(await client.run.value == .refused)
            await expectNoControlCharacters(in: client)
            let prompts = await client.console.prompts.map(\.text)
            #expect(prompts.contains("This is a new user\(Self.shown). Please confirm your password: "))
        }
    }

    @Test func namesItListsOrAnnouncesAreShownWithoutTheirEscapesAndNotOfferedForCompletion() async throws {
        let name = "eve\(Self.escapes)"
        let listed = try String(decoding: JSONEncoder().encode([name, "bob"]), as: UTF8.self)
        let quoted = try String(decoding: JSONEncoder().encode(name), as: UTF8.self)
        let answer: @Sendable (Int, Request) -> String = { id, request in
            switch request.command {
            case .login:
                #"{"id":\#(id),"ok":true,"username":"dan","waiting":0}"# + "\n"
                    + #"{"event":"presence","online":true,"user":\#(quoted)}"# + "\n"
                    + #"{"event":"private_request","from":\#(quoted)}"#
            case .whoelse: #"{"id":\#(id),"ok":true,"users":\#(listed)}"#
            default: #"{"id":\#(id),"ok":true}"#
            }
        }
        try await withAnsweringServer(answer) { port in
            let client = TestClient(port: port, completesNames: true)
            await client.type("dan", "secret")
            try await client.expect(Texts.welcome)
            try await client.expect("eve\(Self.shown) logged in")
            try await client.expect(within: 10, "the consent question") { $0.hasPrefix("eve\(Self.shown) ") }
            await client.type("whoelse")
            try await client.expect("eve\(Self.shown)")
            try await client.expect("bob")
            await expectNoControlCharacters(in: client)
            #expect(client.session.knownUsers.all == ["bob"])
            await client.type("logout")
            #expect(try await client.exit() == .loggedOut)
        }
    }
}
