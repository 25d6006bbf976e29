import ParleyProtocol

/// The `password` command's questions, each answered with the input hidden: the current password, the new
/// one, and the new one again. It only decides what to ask next; the session shows its words and sends the
/// request when it is done. An empty answer gives up, since no password is empty.
struct PasswordDialogue: Sendable, Hashable {
    enum Step: Sendable, Hashable {
        case current
        case new(current: String)
        case again(current: String, new: String)
    }

    /// What a typed answer leads to.
    enum Outcome: Sendable, Hashable {
        /// Ask the next question, after showing `problem` if there is one.
        case ask(problem: String?)
        case cancelled
        case done(current: String, new: String)
    }

    private(set) var step = Step.current

    var prompt: String {
        switch step {
        case .current: Texts.currentPasswordPrompt
        case .new: Texts.newPasswordPrompt
        case .again: Texts.confirmNewPasswordPrompt
        }
    }

    mutating func typed(_ answer: String) -> Outcome {
        guard !answer.isEmpty else { return .cancelled }
        switch step {
        case .current:
            step = .new(current: answer)
            return .ask(problem: nil)
        case .new(let current):
            guard CredentialRules.isValidPassword(answer) else {
                return .ask(problem: ErrorCode.invalidPassword.text())
            }
            step = .again(current: current, new: answer)
            return .ask(problem: nil)
        case .again(let current, let new):
            guard answer == new else {
                step = .new(current: current)
                return .ask(problem: ErrorCode.passwordMismatch.text())
            }
            return .done(current: current, new: new)
        }
    }
}
