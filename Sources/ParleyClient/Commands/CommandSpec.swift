/// One row of the command table: the name the user types, its parameters, what `help` says about it, and
/// how its parsed arguments become a `UserCommand`. Parsing, `help` and the usage line after
/// `Error. Invalid command` all come from these rows, so a command is added or changed in one place.
public struct CommandSpec: Sendable {
    /// What a command takes after its name.
    public enum Parameter: Sendable, Hashable {
        /// One word naming a user.
        case user
        /// One word that must be a non-negative integer.
        case seconds
        /// The rest of the line, kept as typed (only the space after the previous word is dropped).
        case text

        public var placeholder: String {
            switch self {
            case .user: "USER"
            case .seconds: "SECONDS"
            case .text: "TEXT"
            }
        }
    }

    /// The typed, checked values of a command's parameters, in table order.
    public struct Arguments: Sendable {
        public var users: [String] = []
        public var seconds: Int = 0
        public var text: String = ""
    }

    public let name: String
    public let parameters: [Parameter]
    public let help: String
    let make: @Sendable (Arguments) -> UserCommand

    init(
        _ name: String, _ parameters: [Parameter] = [], help: String,
        make: @escaping @Sendable (Arguments) -> UserCommand
    ) {
        precondition(
            !parameters.dropLast().contains(.text), "TEXT takes the rest of the line, so it must come last")
        self.name = name
        self.parameters = parameters
        self.help = help
        self.make = make
    }

    /// `message USER TEXT`: the name and its parameters' placeholders.
    public var synopsis: String {
        ([name] + parameters.map(\.placeholder)).joined(separator: " ")
    }
}
