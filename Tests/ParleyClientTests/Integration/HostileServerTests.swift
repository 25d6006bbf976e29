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
            let error =
                if case .login = request.command {
                    ErrorBody(code: .newUser, message: question)
                } else {
                    ErrorBody(code: .invalidUser, message: Self.escapes)
                }
            return wireLines(.reply(Reply(id: .number(id), ok: false, error: error)))
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
        let answer: @Sendable (Int, Request) -> String = { id, request in
            switch request.command {
            case .login:
                wireLines(
                    .reply(Reply(id: .number(id), username: "dan", waiting: 0)),
                    .event(.presence(user: name, online: true)), .event(.privateRequest(from: name)))
            case .whoelse: wireLines(.reply(Reply(id: .number(id), users: [name, "bob"])))
            default: wireLines(.reply(Reply(id: .number(id))))
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
