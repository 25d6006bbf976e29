import ParleyProtocol
import Testing

@testable import ParleyClient

@Suite("The password command's questions")
struct PasswordDialogueTests {
    @Test func asksForTheCurrentPasswordThenTheNewOneTwice() {
        var dialogue = PasswordDialogue()
        #expect(dialogue.prompt == "Current password: ")
        #expect(dialogue.typed("old") == .ask(problem: nil))
        #expect(dialogue.prompt == "New password: ")
        #expect(dialogue.typed("new") == .ask(problem: nil))
        #expect(dialogue.prompt == "New password again: ")
        #expect(dialogue.typed("new") == .done(current: "old", new: "new"))
    }

    @Test func aNewPasswordAgainstTheRulesIsAskedForAgain() {
        var dialogue = PasswordDialogue()
        _ = dialogue.typed("old")
        #expect(dialogue.typed("two words") == .ask(problem: "Error. Passwords are 1-128 characters without spaces"))
        #expect(dialogue.prompt == "New password: ")
        #expect(dialogue.typed(String(repeating: "x", count: 129)) != .ask(problem: nil))
        #expect(dialogue.prompt == "New password: ")
    }

    @Test func aSecondNewPasswordThatDiffersStartsTheNewOneOver() {
        var dialogue = PasswordDialogue()
        _ = dialogue.typed("old")
        _ = dialogue.typed("new")
        #expect(dialogue.typed("nwe") == .ask(problem: "Passwords do not match. Please try again"))
        #expect(dialogue.prompt == "New password: ")
        _ = dialogue.typed("newer")
        #expect(dialogue.typed("newer") == .done(current: "old", new: "newer"))
    }

    @Test func anEmptyAnswerGivesUpAtAnyQuestion() {
        for answered in 0..<3 {
            var dialogue = PasswordDialogue()
            for _ in 0..<answered { _ = dialogue.typed("same") }
            #expect(dialogue.typed("") == .cancelled, "after \(answered) answers")
        }
    }
}
