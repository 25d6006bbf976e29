import Foundation
import ParleyProtocol
import ParleyTesting
import Testing

/// The real `parleyd` allowed few file descriptors (`ulimit -n 64`): when none is left for a new connection,
/// the users already connected carry on, and once some close it accepts again; its log says both.
@Suite struct DescriptorLimitTests {
    @Test func outOfDescriptorsTheConnectedCarryOnAndNewOnesGetInOnceSomeLeave() throws {
        let server = try ServerBinary(
            extraArguments: ["--insecure-plaintext", "--command-rate", "0"], openFileLimit: 64)
        defer { try? server.stop() }
        let alice = try LineSocket.loggedIn("alice", port: server.port)

        // More connections than parleyd has descriptors for: the kernel completes them all in the listening
        // socket's backlog, and parleyd takes what it can.
        do {
            let crowd = try (0..<80).map { _ in try LineSocket(port: server.port) }
            try server.errors.expect("cannot accept connections")
            #expect(try alice.request(.whoelse).ok)
            withExtendedLifetime(crowd) {}
        }  // the crowd leaves, and its descriptors come free
        try server.errors.expect("accepting connections again")
        let bob = try LineSocket.loggedIn("bob", port: server.port)
        #expect(try bob.request(.message(to: "alice", text: "made it")).ok)
        var heard: [ServerEvent] = []
        while heard.count < 2 { heard.append(try alice.nextEvent()) }
        #expect(
            heard == [
                .presence(user: "bob", online: true),
                .message(DeliveredMessage(from: "bob", text: "made it", kind: .direct)),
            ])
    }
}
