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
}
