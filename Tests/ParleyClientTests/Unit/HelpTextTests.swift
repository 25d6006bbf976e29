import ParleyClient
import ParleyProtocol
import Testing

@Suite("help")
struct HelpTextTests {
    @Test func listsEveryCommandWithItsUsageAndHelp() {
        let lines = HelpText.lines
        #expect(lines.first == Texts.helpHeader)
        #expect(lines.last == Texts.helpFooter)
        for spec in CommandTable.commands {
            #expect(lines.contains { $0.hasPrefix("  \(spec.synopsis) ") && $0.hasSuffix(spec.help) }, "\(spec.name)")
        }
        #expect(lines.count == CommandTable.commands.count + 2)
    }

    @Test func helpTextsLineUp() {
        let columns = HelpText.lines.dropFirst().dropLast().map { line in
            CommandTable.commands.first { line.hasSuffix($0.help) }.map { line.count - $0.help.count }
        }
        #expect(Set(columns).count == 1)
    }

    @Test func explainsTheBareAnswers() {
        #expect(Texts.helpFooter.contains("A bare y or n answers the oldest waiting private messaging request"))
        #expect(Texts.helpFooter.contains("Tab completes commands and names"))
    }
}
