import Foundation
import ParleyClient
import ParleyTerminal

/// The session's console on a terminal: the hand-written line editor of `ParleyTerminal`.
struct TerminalConsole: InterruptibleConsole {
    private let reader = TerminalLineReader()

    func start(deliver: @escaping @Sendable (ConsoleInput) -> Void) async {
        do {
            try await reader.start { input in
                switch input {
                case .line(let line): deliver(.line(line))
                case .end: deliver(.end)
                }
            }
        } catch {
            FileHandle.standardError.write(Data("Cannot use the terminal (error \(error.errno))\n".utf8))
            deliver(.end)
        }
    }

    func requestLine(prompt: String, secret: Bool) async {
        await reader.requestLine(prompt: prompt, secret: secret)
    }

    var completesNames: Bool { true }

    func requestCommand(prompt: String, users: KnownUsers) async {
        await reader.requestLine(prompt: prompt, secret: false) { previousWords, partial in
            CommandCompletion.candidates(previousWords: previousWords, partial: partial, users: users.all)
        }
    }

    func show(_ line: String) async {
        await reader.show(line)
    }

    func stop() async {
        await reader.stop()
    }

    func interrupt() async {
        await reader.interrupt()
    }
}
