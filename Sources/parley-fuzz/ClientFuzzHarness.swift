import Foundation
import ParleyClient
import ParleyE2E

/// The client's half of the fuzz run. Every line of an input is
/// - typed at the command parser, as a user (or a script) would;
/// - read as a line a peer sent on a direct connection (the peer-frame decoder, then opening what it
///   carries with a live session's state);
/// - opened directly as sealed data, as a relayed frame would be;
/// - sealed by the session's real peer and then read as above, so the payload decoder behind a frame that
///   does open also sees hostile bytes (the fuzzer cannot forge a seal on its own).
enum ClientFuzzHarness {
    /// Made once: agreeing keys costs more than the rest of an input's work.
    private static let pair: (requester: SealedSession, accepter: SealedSession) = {
        let requesterKey = EphemeralKey()
        let accepterKey = EphemeralKey()
        let requester = try! SealedSession(  // Keys made just above are always valid.
            side: .requester, ownKey: requesterKey, peerPublicKeyBase64: accepterKey.publicKeyBase64,
            token: "fuzz-token", requester: "alice", accepter: "bob")
        let accepter = try! SealedSession(
            side: .accepter, ownKey: accepterKey, peerPublicKeyBase64: requesterKey.publicKeyBase64,
            token: "fuzz-token", requester: "alice", accepter: "bob")
        return (requester, accepter)
    }()

    static func run(_ bytes: [UInt8]) {
        var stranger = pair.requester
        var listener = pair.requester
        var peer = pair.accepter
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: true) {
            let text = String(decoding: line, as: UTF8.self)
            _ = CommandParser.parse(text)
            _ = PeerFrameProbe.feed(line, to: &stranger)
            _ = try? stranger.open(text)
            guard let sealed = try? peer.seal(Data(line)) else { continue }
            let frame = Data(#"{"type":"sealed","data":""#.utf8) + Data(sealed.utf8) + Data(#""}"#.utf8)
            _ = PeerFrameProbe.feed(frame, to: &listener)
        }
    }
}
