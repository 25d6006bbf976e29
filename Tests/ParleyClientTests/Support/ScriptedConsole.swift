import Foundation
import ParleyClient
import ParleyTesting

/// A console driven by a test: lines are "typed" with `type`, output is collected and waited for with
/// bounded `expect` calls that read forward like a person reading the screen.
actor ScriptedConsole: ClientConsole {
    struct Prompt: Hashable, Sendable {
        let text: String
        let secret: Bool
    }

    private var deliver: (@Sendable (ConsoleInput) -> Void)?
    private var typed: [String] = []
    private var lineWanted = false
    private(set) var prompts: [Prompt] = []
    private(set) var output: [String] = []
    private(set) var stopped = false
    private var cursor = 0
    private var signal = ChangeSignal()
    /// As the terminal's console, which makes the session learn at login who is online.
    nonisolated let completesNames: Bool

    init(completesNames: Bool = false) {
        self.completesNames = completesNames
    }

    func start(deliver: @escaping @Sendable (ConsoleInput) -> Void) {
        self.deliver = deliver
        changed()
    }

    func requestLine(prompt: String, secret: Bool) {
        prompts.append(Prompt(text: prompt, secret: secret))
        if let deliver, !typed.isEmpty {
            deliver(.line(typed.removeFirst()))
        } else {
            lineWanted = true
        }
        changed()
    }

    func show(_ line: String) {
        output.append(line)
        changed()
    }

    func stop() {
        stopped = true
        changed()
    }

    /// Types `line` unless lines typed earlier are still waiting to be read, so a test that keeps typing to
    /// stay active never builds a backlog that later lines must wait behind on a slow machine.
    func typeUnlessQueued(_ line: String) {
        guard typed.isEmpty else { return }
        type(line)
    }

    /// Types `line` now if the session is asking for one, or as soon as it does.
    func type(_ line: String) {
        if lineWanted, let deliver {
            lineWanted = false
            deliver(.line(line))
        } else {
            typed.append(line)
        }
    }

    /// Ctrl-C / Ctrl-D / end of input.
    func end() {
        deliver?(.end)
    }

    /// Waits until a line equal to `line` is shown after the last one expected, and moves past it.
    func expect(_ line: String, within seconds: Double = 10) async throws {
        try await expect(within: seconds, line) { $0 == line }
    }

    /// Waits for the first line after the last expected one that satisfies `match`, and returns it.
    @discardableResult
    func expect(within seconds: Double = 10, _ what: String, _ match: (String) -> Bool) async throws -> String {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while true {
            if let index = output[cursor...].firstIndex(where: match) {
                cursor = index + 1
                return output[index]
            }
            guard ContinuousClock.now < deadline else {
                throw TimedOut("no line \(what) within \(seconds) s; output so far:\n" + output.joined(separator: "\n"))
            }
            await waitForChange(until: deadline)
        }
    }

    /// Waits until the session asks for a line with `prompt`.
    func expectPrompt(_ prompt: String, secret: Bool, within seconds: Double = 10) async throws {
        try await waitUntil(within: seconds, "prompt \(prompt)") {
            self.prompts.contains(Prompt(text: prompt, secret: secret))
        }
    }

    /// Waits until the session has stopped the console (it does so right before `run` returns).
    func waitUntilStopped(within seconds: Double = 10) async throws {
        try await waitUntil(within: seconds, "the session to end") { self.stopped }
    }

    /// Waits until the session is asking for the next line, so whatever it showed before is complete.
    func waitUntilIdle(within seconds: Double = 10) async throws {
        try await waitUntil(within: seconds, "the next prompt") { self.lineWanted }
    }

    private func waitUntil(within seconds: Double, _ what: String, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while !condition() {
            guard ContinuousClock.now < deadline else {
                throw TimedOut("\(what) within \(seconds) s; output so far:\n" + output.joined(separator: "\n"))
            }
            await waitForChange(until: deadline)
        }
    }

    private func waitForChange(until deadline: ContinuousClock.Instant) async {
        await withCheckedContinuation { continuation in
            let id = signal.register(continuation)
            Task {
                try? await Task.sleep(until: deadline)  // Cancelled or not, the waiter must be woken.
                self.wake(id)
            }
        }
    }

    private func wake(_ id: UInt64) {
        signal.wake(id)
    }

    private func changed() {
        signal.wakeAll()
    }
}
