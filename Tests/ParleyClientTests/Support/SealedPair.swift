import ParleyE2E
import ParleyProtocol

@testable import ParleyClient

/// The two halves of one private session's sealing, as `alice` (requester, listens) and `bob` (accepter,
/// connects) would each build them from their grants.
struct SealedPair {
    var alice: SealedSession
    var bob: SealedSession

    init(token: String, requester: String = "alice", accepter: String = "bob") throws {
        let aliceKey = EphemeralKey()
        let bobKey = EphemeralKey()
        alice = try SealedSession(
            side: .requester, ownKey: aliceKey, peerPublicKeyBase64: bobKey.publicKeyBase64, token: token,
            requester: requester, accepter: accepter)
        bob = try SealedSession(
            side: .accepter, ownKey: bobKey, peerPublicKeyBase64: aliceKey.publicKeyBase64, token: token,
            requester: requester, accepter: accepter)
    }

    /// bob's assignment to connect to alice's `port`: his sealed `hello` and the state after it.
    mutating func bobAssignment(port: Int, token: String) throws -> PeerAssignment {
        let hello = try bob.seal(PrivatePayload.hello)
        return PeerAssignment(
            grant: PrivateGrant(user: "alice", host: "127.0.0.1", port: port, token: token, role: .connect),
            me: "bob", hello: hello, sealed: bob)
    }
}
