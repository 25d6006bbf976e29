import Foundation
import NIOCore
import ParleyProtocol
import ParleyServer
import ParleyTLS
import ParleyTesting
import Synchronization
import Testing

@Suite struct TLSTests {
    private func withTLSServer(databasePath: String? = nil, _ body: (TestServer) async throws -> Void) async throws {
        let path = databasePath ?? TestDirectory.fresh().appendingPathComponent("tls.db").path
        try await withServer(.init(databasePath: path, transport: .selfSignedTLS), body)
    }

    @Test func aPinnedFingerprintConnectsAndTheProtocolRunsInside() async throws {
        try await withTLSServer { server in
            let fingerprint = try #require(server.server.tlsFingerprint)
            let client = try await WireClient.connect(port: server.port, tls: .pinned(fingerprint))
            try await client.hello()
            try await client.loginOrRegister("alice", password: "pw")
            #expect(try await client.ok(.whoelse).users == [])
        }
    }

    @Test func aChangedFingerprintIsRefused() async throws {
        try await withTLSServer { server in
            let wrong = try #require(CertificateFingerprint(parsing: String(repeating: "AB", count: 32)))
            let client = try await WireClient.connect(port: server.port, tls: .pinned(wrong))
            await #expect(throws: (any Error).self) { try await client.hello() }
        }
    }

    @Test func firstContactReportsTheFingerprintTheServerPrints() async throws {
        try await withTLSServer { server in
            let seen = Mutex<CertificateFingerprint?>(nil)
            let client = try await WireClient.connect(
                port: server.port, tls: .report { fingerprint in seen.withLock { $0 = fingerprint } })
            await #expect(throws: (any Error).self) { try await client.hello() }
            #expect(seen.withLock { $0 } == server.server.tlsFingerprint)
        }
    }

    @Test func aSelfSignedServerIsNotTrustedBySystemRoots() async throws {
        try await withTLSServer { server in
            let client = try await WireClient.connect(port: server.port, tls: .systemRoots)
            await #expect(throws: (any Error).self) { try await client.hello() }
        }
    }

    @Test func theSelfSignedCertificateIsKeptAcrossRestarts() async throws {
        let database = TestDirectory.fresh().appendingPathComponent("tls.db").path
        var first: CertificateFingerprint?
        try await withTLSServer(databasePath: database) { first = $0.server.tlsFingerprint }
        try await withTLSServer(databasePath: database) { server in
            #expect(server.server.tlsFingerprint == first)
        }
        let keyFile = URL(fileURLWithPath: database).deletingLastPathComponent().appendingPathComponent(
            "parleyd-key.pem")
        let permissions = try FileManager.default.attributesOfItem(atPath: keyFile.path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
    }

    /// Half of the self-signed pair is not replaced by a new pair (a new identity every client would refuse);
    /// files given with --tls-cert/--tls-key that cannot be used are named with what is wrong with them.
    @Test func identityFilesThatCannotBeUsedAreNamedAndNeverReplacedSilently() throws {
        let directory = TestDirectory.fresh()
        _ = try ServerIdentity.selfSigned(in: directory, hostnames: ["localhost"])
        let certificate = directory.appendingPathComponent("parleyd-cert.pem").path
        let key = directory.appendingPathComponent("parleyd-key.pem").path
        let original = try Data(contentsOf: URL(fileURLWithPath: certificate))
        try FileManager.default.moveItem(atPath: key, toPath: key + ".away")
        #expect {
            _ = try ServerIdentity.selfSigned(in: directory, hostnames: ["localhost"])
        } throws: { error in
            "\(error)".hasPrefix("\(key) is missing beside \(certificate); a new pair would be a new server identity")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: certificate)) == original)

        let other = TestDirectory.fresh()
        _ = try ServerIdentity.selfSigned(in: other, hostnames: ["localhost"])
        let otherKey = other.appendingPathComponent("parleyd-key.pem").path
        let cases: [(String, String, String)] = [
            (certificate, key, "cannot read \(key): is it there, and readable by this user?"),
            (otherKey, otherKey, "\(otherKey) does not hold a certificate in PEM form"),
            (certificate, certificate, "\(certificate) does not hold a private key in PEM form"),
            (certificate, otherKey, "the key in \(otherKey) is not the key of the certificate in \(certificate)"),
        ]
        for (certificatePath, keyPath, message) in cases {
            #expect {
                _ = try ServerIdentity.load(certificatePath: certificatePath, keyPath: keyPath)
            } throws: { error in
                "\(error)" == message
            }
        }
    }

    @Test func aPlaintextClientOnTheTLSPortIsDroppedWithoutHurtingOthers() async throws {
        try await withTLSServer { server in
            let fingerprint = try #require(server.server.tlsFingerprint)
            let good = try await WireClient.connect(port: server.port, tls: .pinned(fingerprint))
            try await good.hello()
            let plain = try await WireClient.connect(port: server.port)
            try await plain.sendLine(#"{"id":1,"op":"hello","version":1}"#)
            _ = try? await plain.waitForClose()  // the server may answer with a TLS alert first; either way it closes
            try await good.loginOrRegister("bob", password: "pw")
        }
    }

    @Test func fingerprintsParseAsPeopleTypeThem() throws {
        let canonical = String(repeating: "0A:", count: 31) + "0A"
        let parsed = try #require(CertificateFingerprint(parsing: canonical))
        #expect(parsed.description == canonical)
        #expect(CertificateFingerprint(parsing: "sha256:" + String(repeating: "0a", count: 32)) == parsed)
        #expect(CertificateFingerprint(parsing: "0A0A") == nil)
        #expect(CertificateFingerprint(parsing: String(repeating: "zz", count: 32)) == nil)
    }

    @Test func knownHostsRememberPerEndpoint() throws {
        let file = KnownHosts(path: TestDirectory.path("known_hosts"))
        let one = try #require(CertificateFingerprint(parsing: String(repeating: "11", count: 32)))
        let two = try #require(CertificateFingerprint(parsing: String(repeating: "22", count: 32)))
        #expect(try file.fingerprint(for: "example.org:4000") == nil)
        try file.remember(one, for: "example.org:4000")
        try file.remember(two, for: "127.0.0.1:4000")
        #expect(try file.fingerprint(for: "example.org:4000") == one)
        try file.remember(two, for: "example.org:4000")
        #expect(try file.fingerprint(for: "example.org:4000") == two)
        #expect(try file.fingerprint(for: "127.0.0.1:4000") == two)
    }

    @Test func knownHostsKeepLinesTheyDoNotUnderstand() throws {
        let path = TestDirectory.path("known_hosts")
        let one = try #require(CertificateFingerprint(parsing: String(repeating: "11", count: 32)))
        let two = try #require(CertificateFingerprint(parsing: String(repeating: "22", count: 32)))
        try "# the office server\nexample.org:4000 \(one)\nnot an entry\n".write(
            toFile: path, atomically: true, encoding: .utf8)
        try KnownHosts(path: path).remember(two, for: "example.org:4000")
        #expect(
            try String(contentsOfFile: path, encoding: .utf8)
                == "# the office server\nnot an entry\nexample.org:4000 \(two)\n")
    }

    @Test func anUnreadableKnownHostsFileIsAnErrorAndIsNeverWrittenOver() throws {
        let path = TestDirectory.path("known_hosts")
        let garbage = Data([0x65, 0xFF, 0xFE, 0x0A])
        try garbage.write(to: URL(fileURLWithPath: path))
        let file = KnownHosts(path: path)
        let unreadable = KnownHosts.Unreadable(path: path, reason: "it is not UTF-8 text")
        #expect(throws: unreadable) { try file.fingerprint(for: "example.org:4000") }
        let one = try #require(CertificateFingerprint(parsing: String(repeating: "11", count: 32)))
        #expect(throws: unreadable) { try file.remember(one, for: "example.org:4000") }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == garbage)
    }

    @Test func knownHostsLiveWhereTheXDGRulesSay() {
        #expect(
            KnownHosts.standard(in: ["XDG_CONFIG_HOME": "/cfg", "HOME": "/home/ann"]).path == "/cfg/parley/known_hosts")
        #expect(KnownHosts.standard(in: ["HOME": "/home/ann"]).path == "/home/ann/.config/parley/known_hosts")
        // A relative or empty XDG_CONFIG_HOME is to be ignored.
        #expect(
            KnownHosts.standard(in: ["XDG_CONFIG_HOME": "cfg", "HOME": "/home/ann"]).path
                == "/home/ann/.config/parley/known_hosts")
        #expect(
            KnownHosts.standard(in: ["XDG_CONFIG_HOME": "", "HOME": "/home/ann"]).path
                == "/home/ann/.config/parley/known_hosts")
        #expect(KnownHosts.standard(in: [:]).path.hasSuffix("/.config/parley/known_hosts"))
    }
}
