import Foundation
import ParleyProtocol
import ParleyTesting
import Testing

/// The real `parleyd` on a "full disk" (no file may grow past 1 MiB): what it cannot store it refuses with
/// `store_failure`, users who need no storage go on talking, it stores again once there is room, and after a
/// crash everything it acknowledged is there, once, and nothing it refused.
@Suite(.serialized) struct FullDiskTests {
    let directory = TestDirectory.fresh()

    @Test func aFullDiskRefusesWhatItCannotStoreAndLosesNothingItAcknowledged() throws {
        let full = try ServerBinary(
            directory: directory, extraArguments: ["--insecure-plaintext", "--command-rate", "0"],
            fileSizeLimit: 1 << 20)
        var acknowledged: [String] = []
        do {
            #expect(try LineSocket.loggedIn("bob", port: full.port).request(.logout).ok)
            let carol = try LineSocket.loggedIn("carol", port: full.port)
            let alice = try LineSocket.loggedIn("alice", port: full.port)
            // Long messages until one does not fit, then short ones until not even a page is left.
            for padding in [900, 0] {
                let refusal = try fill(from: alice, padding: padding, into: &acknowledged)
                #expect(refusal?.error?.code == .storeFailure)
                #expect(refusal?.error?.message == ErrorCode.storeFailure.text())
            }
            #expect(!acknowledged.isEmpty)

            // A message between two users online needs no storage: it still goes through.
            let live = try carol.request(.message(to: "alice", text: "still there?"))
            #expect(live.ok && live.stored == false)
            guard case .message(let heard) = try alice.nextEvent() else {
                Issue.record("alice did not get carol's message")
                return
            }
            #expect(heard.from == "carol" && heard.text == "still there?")
            // Still full: the next write is refused too, and a new account is not half made.
            #expect(try alice.request(.message(to: "bob", text: "refused")).error?.code == .storeFailure)
            let dave = try LineSocket(port: full.port)
            #expect(try dave.request(.hello(version: 1, client: "e2e")).ok)
            #expect(try dave.request(.login(username: "dave", password: "pw")).error?.code == .newUser)
            let registration = try dave.request(.register(username: "dave", password: "pw", confirmation: "pw"))
            #expect(registration.error?.code == .storeFailure)

            // Space again: writes work again without a restart.
            try full.freeDiskSpace()
            let text = "after the disk had room again"
            #expect(try alice.request(.message(to: "bob", text: text)).stored == true)
            acknowledged.append(text)
        }
        full.child.signal(SIGKILL)
        _ = try full.child.waitForExit()
        // The operator hears of each run of failures once, with a hint, and of its end; not of every one of the
        // four refused commits (a long message, a short one, "refused", dave's registration).
        let log = try full.log()
        let failing = log.components(separatedBy: "store writes are failing (").count - 1
        let recovered = log.components(separatedBy: "store writes succeed again").count - 1
        #expect(failing >= 1 && failing < 4 && failing == recovered, "\(log)")
        // SQLite calls a write cut short by the limit "full", one refused outright an I/O error.
        #expect(log.contains("(the disk is full)") || log.contains("(disk I/O error: is the disk full"), "\(log)")

        // After a crash the database opens and holds every acknowledged message, once and in order.
        let server = try ServerBinary(directory: directory, extraArguments: ["--insecure-plaintext"])
        let bob = try LineSocket(port: server.port)
        #expect(try bob.request(.hello(version: 1, client: "e2e")).ok)
        #expect(try bob.request(.login(username: "bob", password: "pw")).waiting == acknowledged.count)
        var delivered: [String] = []
        for _ in acknowledged {
            guard case .message(let message) = try bob.nextEvent() else { continue }
            delivered.append(message.text)
        }
        #expect(delivered == acknowledged)
        let dave = try LineSocket(port: server.port)
        #expect(try dave.request(.hello(version: 1, client: "e2e")).ok)
        #expect(try dave.request(.login(username: "dave", password: "pw")).error?.code == .newUser)
        let alice = try LineSocket.loggedIn("alice", port: server.port)
        #expect(try alice.request(.message(to: "carol", text: "back")).stored == true)
        try server.stop()
    }

    /// Sends messages from `alice` to offline bob until the store refuses one, collecting the acknowledged
    /// texts; returns the refusal (nil if none came within the bound, which only a broken limit allows).
    private func fill(from alice: LineSocket, padding: Int, into acknowledged: inout [String]) throws -> Reply? {
        for _ in 0..<5_000 {
            let text = "waiting \(acknowledged.count) " + String(repeating: "x", count: padding)
            let reply = try alice.request(.message(to: "bob", text: text))
            guard reply.ok else { return reply }
            #expect(reply.stored == true)
            acknowledged.append(text)
        }
        return nil
    }
}
