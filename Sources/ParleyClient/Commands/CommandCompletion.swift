/// What Tab completes at the command prompt: the first word to a command's name, and a word where the command
/// takes a USER to one of the users the client knows of. Pure; the terminal console asks it on each Tab.
public enum CommandCompletion {
    /// The words the word being typed (`partial`, after `previousWords`) may become.
    public static func candidates(previousWords: [String], partial: String, users: [String]) -> [String] {
        guard let name = previousWords.first else {
            return CommandTable.commands.map(\.name).filter { $0.hasPrefix(partial) }
        }
        guard let spec = CommandTable.spec(named: name), previousWords.count <= spec.parameters.count,
            spec.parameters[previousWords.count - 1] == .user
        else { return [] }
        return users.filter { $0.hasPrefix(partial) }
    }
}
