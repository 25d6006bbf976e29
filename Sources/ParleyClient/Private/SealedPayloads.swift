import Foundation
import ParleyE2E
import ParleyProtocol

/// Sealing and opening whole `PrivatePayload`s, so the rest of the client never handles plaintext bytes.
extension SealedSession {
    /// Seals `payload` as the next frame in our direction, base64.
    mutating func seal(_ payload: PrivatePayload) throws -> String {
        try seal(payload.data)
    }

    /// Opens the peer's next frame. A frame that opens but is not a payload this client knows counts as
    /// malformed: it cannot have come from a well-behaved peer.
    mutating func openPayload(_ frame: String) throws(SealedSession.Failure) -> PrivatePayload {
        let plaintext: Data
        do {
            plaintext = try open(frame)
        } catch let failure as SealedSession.Failure {
            throw failure
        } catch {
            throw .malformed
        }
        guard let payload = try? PrivatePayload(data: plaintext) else { throw .malformed }
        return payload
    }

    /// The sealing state for the session `grant` describes: we are the requester when we listen, the
    /// accepter when we connect, and the names go into the key in that order.
    static func forGrant(_ grant: PrivateGrant, me: String, ownKey: EphemeralKey?) -> Result<SealedSession, KeyProblem>
    {
        guard let ownKey else { return .failure(KeyProblem(reason: Texts.privateOwnKeyMissing)) }
        guard let peerKey = grant.key else { return .failure(KeyProblem(reason: Texts.privateKeyMissing(grant.user))) }
        let (side, requester, accepter): (PrivateSessionSide, String, String) =
            switch grant.role {
            case .listen: (.requester, me, grant.user)
            case .connect: (.accepter, grant.user, me)
            }
        do {
            return .success(
                try SealedSession(
                    side: side, ownKey: ownKey, peerPublicKeyBase64: peerKey, token: grant.token,
                    requester: requester, accepter: accepter))
        } catch {
            return .failure(KeyProblem(reason: Texts.privateKeyInvalid(grant.user)))
        }
    }

    /// Why no sealed session could be made from a grant; `reason` is shown to the user.
    struct KeyProblem: Error, Sendable {
        let reason: String
    }
}
