import ParleyProtocol

/// Why a typed line is not a command. Each case knows the lines the user is shown.
public enum CommandProblem: Error, Sendable, Hashable {
    /// No command has that name.
    case unknownCommand
    /// The name is known but its arguments are not; `synopsis` is its usage.
    case wrongArguments(synopsis: String)
    case messageTooLong

    public var lines: [String] {
        switch self {
        case .unknownCommand: [ErrorCode.invalidCommand.text()]
        case .wrongArguments(let synopsis): [ErrorCode.invalidCommand.text(), Texts.usage(synopsis)]
        case .messageTooLong: [ErrorCode.messageTooLong.text()]
        }
    }
}

/// Turns a typed line into a `UserCommand`, driven only by `CommandTable`.
public enum CommandParser {
    /// `nil` for a blank line, which is not a command at all.
    public static func parse(_ line: String) -> Result<UserCommand, CommandProblem>? {
        var rest = Substring(line)
        guard let name = nextWord(&rest) else { return nil }
        guard let spec = CommandTable.spec(named: String(name)) else { return .failure(.unknownCommand) }
        return parseArguments(rest, for: spec).map(spec.make)
    }

    static func parseArguments(_ line: Substring, for spec: CommandSpec) -> Result<
        CommandSpec.Arguments, CommandProblem
    > {
        let wrong = CommandProblem.wrongArguments(synopsis: spec.synopsis)
        var rest = line
        var arguments = CommandSpec.Arguments()
        for parameter in spec.parameters {
            switch parameter {
            case .user:
                guard let word = nextWord(&rest) else { return .failure(wrong) }
                arguments.users.append(String(word))
            case .seconds:
                guard let word = nextWord(&rest), word.allSatisfy(\.isASCIIDigit) else { return .failure(wrong) }
                // More seconds than an Int holds is still a non-negative number: all of time, as far as it goes.
                arguments.seconds = Int(word) ?? Int.max
            case .text:
                let text = String(trimmingBlanks(rest))
                rest = ""
                switch CredentialRules.messageTextProblem(text) {
                case nil: arguments.text = text
                case .messageTooLong?: return .failure(.messageTooLong)
                default: return .failure(wrong)
                }
            }
        }
        guard rest.allSatisfy(\.isBlank) else { return .failure(wrong) }
        return .success(arguments)
    }

    private static func trimmingBlanks(_ text: Substring) -> Substring {
        let start = text.drop(while: \.isBlank)
        guard let last = start.lastIndex(where: { !$0.isBlank }) else { return "" }
        return start[...last]
    }

    /// Removes and returns the next word of `rest`, or `nil` when only blanks are left.
    private static func nextWord(_ rest: inout Substring) -> Substring? {
        rest = rest.drop(while: \.isBlank)
        guard !rest.isEmpty else { return nil }
        let end = rest.firstIndex(where: \.isBlank) ?? rest.endIndex
        defer { rest = rest[end...] }
        return rest[..<end]
    }
}

extension Character {
    fileprivate var isBlank: Bool { self == " " || self == "\t" }
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
