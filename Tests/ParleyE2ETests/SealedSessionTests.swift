import Foundation
import ParleyE2E
import Testing

@Suite struct SealedSessionTests {
    private func pair(token: String = "token-1") throws -> (SealedSession, SealedSession) {
        let aliceKey = EphemeralKey()
        let bobKey = EphemeralKey()
        let alice = try SealedSession(
            side: .requester, ownKey: aliceKey, peerPublicKeyBase64: bobKey.publicKeyBase64, token: token,
            requester: "alice", accepter: "bob")
        let bob = try SealedSession(
            side: .accepter, ownKey: bobKey, peerPublicKeyBase64: aliceKey.publicKeyBase64, token: token,
            requester: "alice", accepter: "bob")
        return (alice, bob)
    }

    @Test func textTravelsBothWaysAndBothSeeTheSameFingerprint() throws {
        var (alice, bob) = try pair()
        #expect(alice.fingerprint == bob.fingerprint)
        #expect(alice.fingerprint.count == 24)
        for index in 0..<3 {
            let frame = try alice.seal(Data("hello \(index)".utf8))
            #expect(try bob.open(frame) == Data("hello \(index)".utf8))
            #expect(try alice.open(bob.seal(Data("back \(index)".utf8))) == Data("back \(index)".utf8))
        }
    }

    @Test func theSealedFrameDoesNotContainThePlaintext() throws {
        var (alice, _) = try pair()
        let frame = try alice.seal(Data("secret words".utf8))
        #expect(!frame.contains("secret"))
        #expect(!(Data(base64Encoded: frame)!).contains(Data("secret".utf8)))
    }

    @Test func aTamperedFrameIsRejected() throws {
        var (alice, bob) = try pair()
        var bytes = Data(base64Encoded: try alice.seal(Data("pay 10".utf8)))!
        bytes[bytes.count - 20] ^= 0x01
        #expect(throws: SealedSession.Failure.tampered) { try bob.open(bytes.base64EncodedString()) }
    }

    @Test func replayedAndReorderedFramesAreRejected() throws {
        var (alice, bob) = try pair()
        let first = try alice.seal(Data("one".utf8))
        let second = try alice.seal(Data("two".utf8))
        #expect(throws: SealedSession.Failure.outOfOrder(expected: 0, got: 1)) { try bob.open(second) }
        #expect(try bob.open(first) == Data("one".utf8))
        #expect(throws: SealedSession.Failure.outOfOrder(expected: 1, got: 0)) { try bob.open(first) }
        #expect(try bob.open(second) == Data("two".utf8))
    }

    @Test func aFrameFromAnotherSessionOrDirectionDoesNotOpen() throws {
        var (alice, bob) = try pair(token: "token-1")
        var (other, _) = try pair(token: "token-2")
        #expect(throws: SealedSession.Failure.tampered) { try bob.open(other.seal(Data("x".utf8))) }
        // A frame alice sealed cannot be reflected back to alice as if bob sent it.
        let own = try alice.seal(Data("mine".utf8))
        #expect(throws: SealedSession.Failure.tampered) { try alice.open(own) }
        _ = bob
    }

    @Test func garbageIsMalformedAndABadKeyIsRefused() throws {
        var (_, bob) = try pair()
        #expect(throws: SealedSession.Failure.malformed) { try bob.open("not base64!") }
        #expect(throws: SealedSession.Failure.badPeerKey) {
            _ = try SealedSession(
                side: .requester, ownKey: EphemeralKey(), peerPublicKeyBase64: "AAAA", token: "t", requester: "a",
                accepter: "b")
        }
    }

    /// Keys of small order make the shared secret zero whatever the other key is, so the session key would
    /// follow from the token, which the server knows: refused (the all-zero key, u = 1, and a point of order 8).
    @Test(arguments: [
        [UInt8](repeating: 0, count: 32), [1] + [UInt8](repeating: 0, count: 31),
        [
            0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4, 0x6a,
            0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49, 0xb8, 0x00,
        ],
    ])
    func aKeyOfSmallOrderIsRefused(_ key: [UInt8]) throws {
        #expect(throws: SealedSession.Failure.badPeerKey) {
            _ = try SealedSession(
                side: .accepter, ownKey: EphemeralKey(), peerPublicKeyBase64: Data(key).base64EncodedString(),
                token: "t", requester: "a", accepter: "b")
        }
    }
}
