import ParleyProtocol

/// What `help` prints: one aligned line per row of the command table.
public enum HelpText {
    public static var lines: [String] {
        let width = CommandTable.commands.map(\.synopsis.count).max() ?? 0
        let rows = CommandTable.commands.map { spec in
            "  " + spec.synopsis + String(repeating: " ", count: width - spec.synopsis.count) + "  " + spec.help
        }
        return [Texts.helpHeader] + rows + [Texts.helpFooter]
    }
}
