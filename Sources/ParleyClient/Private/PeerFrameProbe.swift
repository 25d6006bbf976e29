import Foundation
import ParleyE2E

/// Runs one line through everything this client does with bytes a peer sends it: the peer-frame decoder,
/// and for a handshake or sealed frame, opening it with `session` and decoding the payload inside.
///
/// Public only for the fuzz harness, which is built for release, where `@testable import` is not
/// available; it calls exactly the code a direct connection and the relay use.
public enum PeerFrameProbe {
    /// How far a line got.
    public enum Outcome: Sendable, Hashable {
        case notAFrame
        /// A frame whose sealed part did not open (`problem` as the user would be told).
        case rejected(problem: String)
        /// A frame whose sealed part opened to a payload.
        case opened
    }

    public static func feed(_ line: some DataProtocol, to session: inout SealedSession) -> Outcome {
        guard let frame = try? PeerFrame(bytes: Data(line)) else { return .notAFrame }
        let sealed: String
        switch frame {
        case .hello(_, let proof), .welcome(_, let proof): sealed = proof
        case .sealed(let data): sealed = data
        }
        do {
            _ = try session.openPayload(sealed)
            return .opened
        } catch {
            return .rejected(problem: error.description)
        }
    }
}
