import Foundation
import ParleyCore
import ParleyProtocol

/// libFuzzer's per-input callback. Each input is split into lines like the server does; every line goes through the
/// request decoder, and what decodes is applied to a live core with two connections, so the decoder,
/// the error replies and every command handler see hostile input. The server's hand-written wire code is then
/// checked against the codec it must match (`ServerWireFuzzHarness`), on those lines and on every frame the core
/// sent. The same lines then go to the client's side (`ClientFuzzHarness`): its command parser and what it does
/// with a peer's frames; and the whole input is typed at the terminal's line editor (`TerminalFuzzHarness`).
/// Any crash is a bug; keep the input that found it in `Tests/Fuzz/regressions/`, which
/// `Tests/EndToEndTests/FuzzRegressionTests.swift` replays.
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    FuzzHarness.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

enum FuzzHarness {
    static func run(_ bytes: [UInt8]) {
        let wire = ServerWireFuzzHarness()
        let sent = runCore(bytes, decodingWith: wire)
        wire.check(bytes, sentFrames: sent)
        ClientFuzzHarness.run(bytes)
        TerminalFuzzHarness.run(bytes)
    }

    /// Applies the input to a core, each line decoded as the server decodes it; returns the frames it sent.
    private static func runCore(_ bytes: [UInt8], decodingWith wire: ServerWireFuzzHarness) -> [ServerFrame] {
        var core = ChatCore(
            configuration: CoreConfiguration(), snapshot: CoreSnapshot(), makeToken: { "token" },
            digestToken: { "digest of " + $0 })
        let start = Date(timeIntervalSince1970: 1_000_000)
        let first = ConnectionID(1)
        let second = ConnectionID(2)
        _ = core.handle(.connected(first, address: "10.0.0.1"), at: start)
        _ = core.handle(.connected(second, address: "10.0.0.2"), at: start)
        var tick = 0.0
        var sent: [ServerFrame] = []
        for (index, line) in bytes.split(separator: 0x0A, omittingEmptySubsequences: true).enumerated() {
            tick += 1
            let connection = index % 2 == 0 ? first : second
            guard case .success(let request) = wire.decode(line) else { continue }
            let effects = core.handle(.request(connection, request), at: start.addingTimeInterval(tick))
            sent += frames(in: effects)
            sent += frames(in: answerPasswordWork(effects, core: &core, at: start.addingTimeInterval(tick)))
        }
        return sent
    }

    private static func frames(in effects: [Effect]) -> [ServerFrame] {
        effects.compactMap { effect in
            switch effect {
            case .send(_, let frame), .sendToEach(_, let frame): frame
            case .presence(let user, let online, _, _): .event(.presence(user: user, online: online))
            default: nil
            }
        }
    }

    /// Completes password effects at once, so inputs can log in and reach every command; returns the effects
    /// of the answers.
    private static func answerPasswordWork(_ effects: [Effect], core: inout ChatCore, at now: Date) -> [Effect] {
        var answered: [Effect] = []
        for effect in effects {
            switch effect {
            case .verifyPassword(let connection, let id, let username, let password, let hash):
                answered += core.handle(
                    .passwordVerified(connection, id, username: username, matches: hash.encoded == "h:" + password),
                    at: now)
            case .hashPassword(let connection, let id, let username, let password):
                answered += core.handle(
                    .passwordHashed(connection, id, username: username, PasswordHash(encoded: "h:" + password)), at: now
                )
            default:
                break
            }
        }
        return answered
    }
}
