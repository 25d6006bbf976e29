import ParleyClient
import ParleyProtocol
import Testing

@Suite("Parsing typed commands from the command table")
struct CommandParserTests {
    private func parse(_ line: String) -> Result<UserCommand, CommandProblem>? { CommandParser.parse(line) }

    @Test(arguments: [
        ("message bob hello there", UserCommand.message(to: "bob", text: "hello there")),
        ("message bob   spaced   out  ", .message(to: "bob", text: "spaced   out")),
        ("  message\tbob\thi", .message(to: "bob", text: "hi")),
        ("broadcast hi all", .broadcast(text: "hi all")),
        ("whoelse", .whoelse),
        ("whoelse  ", .whoelse),
        ("whoelsesince 60", .whoelsesince(seconds: 60)),
        ("whoelsesince 0", .whoelsesince(seconds: 0)),
        ("whoelsesince 99999999999999999999999", .whoelsesince(seconds: Int.max)),
        ("block bob", .block(user: "bob")),
        ("unblock bob", .unblock(user: "bob")),
        ("startprivate bob", .startPrivate(user: "bob")),
        ("private bob secret stuff", .privateText(to: "bob", text: "secret stuff")),
        ("stopprivate bob", .stopPrivate(user: "bob")),
        ("privatekey bob", .privateKey(user: "bob")),
        ("accept alice", .answer(user: "alice", accept: true)),
        ("decline alice", .answer(user: "alice", accept: false)),
        ("y", .answerOldest(accept: true)),
        ("n", .answerOldest(accept: false)),
        ("help", .help),
        ("logout", .logout),
    ])
    func parsesEveryCommand(line: String, expected: UserCommand) {
        #expect(parse(line) == .success(expected))
    }

    @Test(arguments: [
        ("message", "message USER TEXT"),
        ("message bob", "message USER TEXT"),
        ("message bob    ", "message USER TEXT"),
        ("broadcast", "broadcast TEXT"),
        ("broadcast   ", "broadcast TEXT"),
        ("whoelse now", "whoelse"),
        ("whoelsesince", "whoelsesince SECONDS"),
        ("whoelsesince abc", "whoelsesince SECONDS"),
        ("whoelsesince -5", "whoelsesince SECONDS"),
        ("whoelsesince 1.5", "whoelsesince SECONDS"),
        ("whoelsesince 10 20", "whoelsesince SECONDS"),
        ("block", "block USER"),
        ("block bob carol", "block USER"),
        ("unblock", "unblock USER"),
        ("unblock bob carol", "unblock USER"),
        ("startprivate", "startprivate USER"),
        ("startprivate bob carol", "startprivate USER"),
        ("private", "private USER TEXT"),
        ("private bob", "private USER TEXT"),
        ("stopprivate", "stopprivate USER"),
        ("stopprivate bob x", "stopprivate USER"),
        ("privatekey", "privatekey USER"),
        ("privatekey bob x", "privatekey USER"),
        ("accept", "accept USER"),
        ("accept a b", "accept USER"),
        ("decline", "decline USER"),
        ("decline a b", "decline USER"),
        ("y please", "y"),
        ("n no", "n"),
        ("help me", "help"),
        ("logout now", "logout"),
    ])
    func wrongArgumentsGiveTheUsage(line: String, synopsis: String) {
        let result = parse(line)
        #expect(result == .failure(.wrongArguments(synopsis: synopsis)))
        if case .failure(let problem)? = result {
            #expect(problem.lines == ["Error. Invalid command", "Usage: \(synopsis)"])
        }
    }

    @Test(arguments: ["dance", "Message bob hi", "WHOELSE", "yes", "quit"])
    func unknownNamesGiveNoUsage(line: String) {
        #expect(parse(line) == .failure(.unknownCommand))
        #expect(CommandProblem.unknownCommand.lines == ["Error. Invalid command"])
    }

    @Test func blankLinesAreNotCommands() {
        #expect(parse("") == nil)
        #expect(parse("   \t ") == nil)
    }

    @Test func messageTextUpToTheLimitIsAccepted() {
        let text = String(repeating: "é", count: 4096)
        #expect(parse("message bob \(text)") == .success(.message(to: "bob", text: text)))
    }

    @Test(arguments: ["message bob ", "broadcast ", "private bob "])
    func textOverTheLimitIsTooLong(prefix: String) {
        let line = prefix + String(repeating: "x", count: 4097)
        #expect(parse(line) == .failure(.messageTooLong))
        #expect(CommandProblem.messageTooLong.lines == ["Error. Message too long (max 4096 characters)"])
    }

    @Test func everyTableRowParsesWithPlaceholderArguments() {
        for spec in CommandTable.commands {
            let arguments = spec.parameters.map { parameter -> String in
                switch parameter {
                case .user: "someone"
                case .seconds: "5"
                case .text: "some text"
                }
            }
            let line = ([spec.name] + arguments).joined(separator: " ")
            guard case .success? = parse(line) else {
                Issue.record("\(line) did not parse")
                continue
            }
        }
    }

    @Test func commandNamesAreUnique() {
        let names = CommandTable.commands.map(\.name)
        #expect(Set(names).count == names.count)
    }
}
