import Foundation
import ParleyClient
import ParleyProtocol
import ParleyTLS
import ParleyTesting
import Testing

private func temporaryKnownHosts() -> KnownHosts {
    KnownHosts(path: TestDirectory.path("known_hosts"))
}

@Suite("TLS to the server, with the certificate pinned by fingerprint")
struct TLSTrustTests {
    @Test func aPinnedFingerprintConnects() async throws {
        try await withServer(transport: .selfSignedTLS) { server in
            let fingerprint = try #require(server.fingerprint)
            let alice = try await TestClient.register("alice", port: server.port) { $0.security = .pinned(fingerprint) }
            await alice.type("whoelse")
            try await alice.expect("No other users are online")
            try await alice.logout()
        }
    }

    @Test func firstContactAsksRemembersAndDoesNotAskAgain() async throws {
        try await withServer(transport: .selfSignedTLS) { server in
            let fingerprint = try #require(server.fingerprint)
            let knownHosts = temporaryKnownHosts()
            let endpoint = "127.0.0.1:\(server.port)"
            let alice = TestClient(port: server.port) { $0.security = .trustOnFirstUse(knownHosts) }
            await alice.type("yes", "alice", "secret", "secret")
            try await alice.expect(Texts.unknownServer(endpoint, fingerprint: fingerprint.description))
            try await alice.expect(Texts.welcome)
            #expect(await alice.console.prompts.first == .init(text: Texts.trustQuestion, secret: false))
            #expect(try knownHosts.fingerprint(for: endpoint) == fingerprint)
            try await alice.logout()

            let again = try await TestClient.login("alice", port: server.port) {
                $0.security = .trustOnFirstUse(knownHosts)
            }
            #expect(await again.console.prompts.first?.text == Texts.usernamePrompt)
            try await again.logout()
        }
    }

    @Test func declinedOnFirstContactNothingIsSentOrRemembered() async throws {
        try await withServer(transport: .selfSignedTLS) { server in
            let knownHosts = temporaryKnownHosts()
            let alice = TestClient(port: server.port) { $0.security = .trustOnFirstUse(knownHosts) }
            await alice.type("no")
            try await alice.expect(Texts.serverNotTrusted)
            let exit = try await alice.exit()
            #expect(exit == .untrusted)
            #expect(exit.status == 1)
            #expect(try knownHosts.fingerprint(for: "127.0.0.1:\(server.port)") == nil)
            #expect(await !alice.console.prompts.contains { $0.text == Texts.usernamePrompt })
        }
    }

    @Test func aKnownHostsFileThatCannotBeReadStopsTheClientBeforeItAsksAnything() async throws {
        try await withServer(transport: .selfSignedTLS) { server in
            let knownHosts = temporaryKnownHosts()
            let garbage = Data([0xFF, 0xFE, 0x0A])
            try garbage.write(to: URL(fileURLWithPath: knownHosts.path))
            let alice = TestClient(port: server.port) { $0.security = .trustOnFirstUse(knownHosts) }
            try await alice.expect(
                Texts.knownServersUnreadable("cannot read \(knownHosts.path): it is not UTF-8 text"))
            #expect(try await alice.exit() == .untrusted)
            #expect(await alice.console.prompts.isEmpty)
            #expect(try Data(contentsOf: URL(fileURLWithPath: knownHosts.path)) == garbage)
        }
    }

    @Test func aChangedCertificateIsRefusedWithBothFingerprints() async throws {
        try await withServer(transport: .selfSignedTLS) { server in
            let fingerprint = try #require(server.fingerprint)
            let knownHosts = temporaryKnownHosts()
            let endpoint = "127.0.0.1:\(server.port)"
            let old = try #require(CertificateFingerprint(parsing: String(repeating: "AB", count: 32)))
            try knownHosts.remember(old, for: endpoint)
            let alice = TestClient(port: server.port) { $0.security = .trustOnFirstUse(knownHosts) }
            try await alice.expect(
                Texts.certificateChanged(
                    endpoint, was: old.description, now: fingerprint.description, file: knownHosts.path))
            #expect(try await alice.exit() == .untrusted)
            #expect(try knownHosts.fingerprint(for: endpoint) == old)
        }
    }

    /// A server whose certificate a CA of the test's own signed for "localhost", and a client configuration
    /// that trusts that CA besides the system's roots, with trust on first use (in `knownHosts`) behind it.
    private func withServerSignedForLocalhost(
        _ body: (ClientTestServer, KnownHosts, @escaping @Sendable (inout ClientConfiguration) -> Void) async throws
            -> Void
    ) async throws {
        let authority = try PrivateAuthority(signingFor: "localhost")
        let knownHosts = temporaryKnownHosts()
        try await withServer(
            transport: .tls(certificatePath: authority.certificateFile, keyPath: authority.keyFile)
        ) { server in
            try await body(server, knownHosts) {
                $0.security = .trustOnFirstUse(knownHosts)
                $0.additionalTrustRoots = [.file(authority.authorityFile)]
            }
        }
    }

    @Test func aCertificateTheTrustedRootsVouchForNeedsNoQuestion() async throws {
        try await withServerSignedForLocalhost { server, knownHosts, trusting in
            let alice = try await TestClient.register("alice", port: server.port) {
                trusting(&$0)
                $0.host = "localhost"
            }
            #expect(await alice.console.prompts.first?.text == Texts.usernamePrompt)
            #expect(try knownHosts.fingerprint(for: "localhost:\(server.port)") == nil, "nothing to remember")
            try await alice.logout()
        }
    }

    @Test func theRootsVouchOnlyForTheNameInTheCertificate() async throws {
        try await withServerSignedForLocalhost { server, _, trusting in
            // Signed for "localhost", reached as 127.0.0.1: the normal check fails, so the user is asked.
            let alice = TestClient(port: server.port, configure: trusting)
            await alice.type("no")
            try await alice.expect(Texts.serverNotTrusted)
            #expect(await alice.console.prompts.first == .init(text: Texts.trustQuestion, secret: false))
            #expect(try await alice.exit() == .untrusted)
        }
    }

    @Test func aFingerprintGivenThatDoesNotMatchIsRefused() async throws {
        try await withServer(transport: .selfSignedTLS) { server in
            let fingerprint = try #require(server.fingerprint)
            let wrong = try #require(CertificateFingerprint(parsing: String(repeating: "CD", count: 32)))
            let alice = TestClient(port: server.port) { $0.security = .pinned(wrong) }
            try await alice.expect(
                Texts.certificateMismatch(expected: wrong.description, presented: fingerprint.description))
            #expect(try await alice.exit() == .untrusted)
        }
    }

    @Test func tlsToAPlaintextServerCannotConnect() async throws {
        try await withServer { server in
            let anything = try #require(CertificateFingerprint(parsing: String(repeating: "EF", count: 32)))
            let alice = TestClient(port: server.port) {
                $0.security = .pinned(anything)
                $0.connectTimeout = .seconds(1)
            }
            let exit = try await alice.exit()
            guard case .cannotConnect(let reason) = exit else {
                Issue.record("expected cannot connect, got \(exit)")
                return
            }
            #expect(reason.hasPrefix("TLS handshake failed"))
        }
    }

    @Test func plaintextToATLSServerIsToldToUseTLS() async throws {
        try await withServer(transport: .selfSignedTLS) { server in
            let alice = TestClient(port: server.port) { $0.security = .plaintext }
            let exit = try await alice.exit()
            #expect(exit == .cannotConnect(reason: "the server speaks TLS (leave out --insecure-plaintext)"))
        }
    }

    @Test func privateSessionsWorkBesideATLSServerConnection() async throws {
        try await withServer(transport: .selfSignedTLS) { server in
            let fingerprint = try #require(server.fingerprint)
            let alice = try await TestClient.register("alice", port: server.port) { $0.security = .pinned(fingerprint) }
            let bob = try await TestClient.register("bob", port: server.port) { $0.security = .pinned(fingerprint) }
            await alice.type("startprivate bob")
            try await bob.expect("alice would like to private message, enter y or n: ")
            await bob.type("y")
            try await alice.expect("Start private messaging with bob")
            try await bob.expect("Start private messaging with alice")
            await bob.type("private alice over tls")
            try await alice.expect("bob (private): over tls")
            try await alice.logout()
            try await bob.logout()
        }
    }
}
