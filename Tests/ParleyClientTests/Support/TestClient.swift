import Foundation
import ParleyClient
import ParleyProtocol

/// One `ClientSession` with a scripted console, as a person at a keyboard: `type` lines, `expect` output.
final class TestClient: Sendable {
    let console: ScriptedConsole
    let session: ClientSession
    let run: Task<ClientExit, Never>

    init(port: Int, completesNames: Bool = false, configure: (inout ClientConfiguration) -> Void = { _ in }) {
        console = ScriptedConsole(completesNames: completesNames)
        var configuration = ClientConfiguration(host: "127.0.0.1", port: port, security: .plaintext)
        configuration.peerListenHost = "127.0.0.1"
        configure(&configuration)
        let session = ClientSession(configuration: configuration, console: console)
        self.session = session
        run = Task { await session.run() }
    }

    /// A new account: username, password and the confirmation, then the welcome.
    static func register(
        _ name: String, password: String = "secret", port: Int, completesNames: Bool = false,
        configure: (inout ClientConfiguration) -> Void = { _ in }
    ) async throws -> TestClient {
        let client = TestClient(port: port, completesNames: completesNames, configure: configure)
        await client.type(name, password, password)
        try await client.expect(Texts.welcome)
        return client
    }

    /// An existing account: username and password, then the welcome.
    static func login(
        _ name: String, password: String = "secret", port: Int,
        configure: (inout ClientConfiguration) -> Void = { _ in }
    ) async throws -> TestClient {
        let client = TestClient(port: port, configure: configure)
        await client.type(name, password)
        try await client.expect(Texts.welcome)
        return client
    }

    func type(_ lines: String...) async {
        for line in lines { await console.type(line) }
    }

    func expect(_ line: String, within seconds: Double = 10) async throws {
        try await console.expect(line, within: seconds)
    }

    @discardableResult
    func expect(within seconds: Double = 10, _ what: String, _ match: @Sendable (String) -> Bool) async throws
        -> String
    {
        try await console.expect(within: seconds, what, match)
    }

    /// Types `line` every `interval` until the returned task is cancelled, keeping the user active on a server
    /// with a short inactivity timeout while a test sets things up; never more than one at a time waits to be
    /// read, so what the test types next is not queued behind a backlog. The pause only paces the typing;
    /// nothing waits on it.
    func keepTyping(_ line: String, every interval: Duration = .milliseconds(200)) -> Task<Void, Never> {
        Task {
            while !Task.isCancelled {
                await console.typeUnlessQueued(line)
                try? await Task.sleep(for: interval)  // Cancelled: the loop ends.
            }
        }
    }

    /// Everything shown so far.
    var output: [String] {
        get async { await console.output }
    }

    /// Waits (bounded) for the run to end and returns how it ended.
    func exit(within seconds: Double = 10) async throws -> ClientExit {
        try await console.waitUntilStopped(within: seconds)
        return await run.value
    }

    /// Logs out and checks the goodbye.
    func logout() async throws {
        await type("logout")
        try await expect(Texts.goodbye)
        _ = try await exit()
    }
}
