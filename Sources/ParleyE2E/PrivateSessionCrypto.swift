import Crypto
import Foundation

/// One side's ephemeral key pair for a private session. Made fresh for every request or answer and never
/// stored, so a later compromise of either client reveals nothing about past sessions.
public struct EphemeralKey: Sendable {
    /// Kept as raw bytes because swift-crypto's key types are not `Sendable` on every platform.
    private let rawPrivateKey: Data

    var privateKey: Curve25519.KeyAgreement.PrivateKey {
        try! Curve25519.KeyAgreement.PrivateKey(rawRepresentation: rawPrivateKey)  // bytes we made ourselves
    }

    public init() {
        rawPrivateKey = Curve25519.KeyAgreement.PrivateKey().rawRepresentation
    }

    /// The public half, base64, as it travels with `startprivate` / `answerprivate`.
    public var publicKeyBase64: String {
        privateKey.publicKey.rawRepresentation.base64EncodedString()
    }
}

/// Which end of the session this is: the requester (who ran `startprivate`) or the one who accepted.
public enum PrivateSessionSide: Sendable {
    case requester, accepter
}

/// The end-to-end protection of a private session: X25519 between the two ephemeral keys, HKDF-SHA256 bound
/// to the server's one-time token and both usernames, and ChaChaPoly with a per-direction counter as nonce.
/// Each frame must carry exactly the next counter, so a replayed, dropped or reordered frame is rejected.
/// The same sealed frames travel over the direct connection or through the server's relay.
public struct SealedSession: Sendable {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case badPeerKey
        case malformed
        /// The frame's counter is not the next one: replayed, reordered or lost frames.
        case outOfOrder(expected: UInt64, got: UInt64)
        /// Authentication failed: the frame was altered or sealed with another key.
        case tampered

        public var description: String {
            switch self {
            case .badPeerKey: "the peer's key is not a valid X25519 public key"
            case .malformed: "the frame is not a sealed private frame"
            case .outOfOrder(let expected, let got):
                "frame \(got) arrived where \(expected) was expected (replayed or reordered)"
            case .tampered: "the frame was altered or not sealed by the peer"
            }
        }
    }

    /// The session key's bytes (`SymmetricKey` is not `Sendable` on every platform).
    private let keyBytes: Data
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }
    private let sendDirection: UInt8
    private let receiveDirection: UInt8
    private var sent: UInt64 = 0
    private var received: UInt64 = 0
    /// A short code both users can read to each other to check nobody sits in the middle.
    public let fingerprint: String

    /// - Parameters:
    ///   - requester/accepter: the usernames, bound into the key so a session cannot be replayed between others.
    public init(
        side: PrivateSessionSide, ownKey: EphemeralKey, peerPublicKeyBase64: String, token: String,
        requester: String, accepter: String
    ) throws {
        guard let peerBytes = Data(base64Encoded: peerPublicKeyBase64),
            let peerKey = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: peerBytes)
        else { throw Failure.badPeerKey }
        let shared = try ownKey.privateKey.sharedSecretFromKeyAgreement(with: peerKey)
        // A key of small order (all zeros, one, ...) makes the shared secret all zeros whatever our own key is
        // (RFC 7748, section 6.1): the session key would then follow from the token alone, which the server
        // knows. swift-crypto does not refuse such keys itself.
        guard shared.withUnsafeBytes({ bytes in bytes.contains { $0 != 0 } }) else { throw Failure.badPeerKey }
        let info = Data("parley private v1|\(requester)|\(accepter)".utf8)
        keyBytes = shared.hkdfDerivedSymmetricKey(
            using: SHA256.self, salt: Data(token.utf8), sharedInfo: info, outputByteCount: 32
        ).withUnsafeBytes { Data($0) }
        (sendDirection, receiveDirection) = side == .requester ? (1, 2) : (2, 1)
        let ownPublic = ownKey.privateKey.publicKey.rawRepresentation
        let keys = side == .requester ? ownPublic + peerBytes : peerBytes + ownPublic
        let digest = Array(SHA256.hash(data: keys + Data(token.utf8)))
        fingerprint = stride(from: 0, to: 10, by: 2).map { index in
            String(format: "%02x%02x", digest[index], digest[index + 1])
        }.joined(separator: " ")
    }

    /// Seals `plaintext` as the next frame in this direction, base64.
    public mutating func seal(_ plaintext: Data) throws -> String {
        let counter = sent
        sent += 1
        let box = try ChaChaPoly.seal(
            plaintext, using: key, nonce: Self.nonce(direction: sendDirection, counter: counter))
        return (Self.bytes(of: counter) + box.ciphertext + box.tag).base64EncodedString()
    }

    /// Opens the peer's next frame; anything but exactly the next counter, properly sealed, throws.
    public mutating func open(_ frame: String) throws -> Data {
        guard let bytes = Data(base64Encoded: frame), bytes.count >= 8 + 16 else { throw Failure.malformed }
        let counter = bytes.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard counter == received else { throw Failure.outOfOrder(expected: received, got: counter) }
        let body = bytes.dropFirst(8)
        do {
            let box = try ChaChaPoly.SealedBox(
                nonce: Self.nonce(direction: receiveDirection, counter: counter), ciphertext: body.dropLast(16),
                tag: body.suffix(16))
            let plaintext = try ChaChaPoly.open(box, using: key)
            received += 1
            return plaintext
        } catch {
            throw Failure.tampered
        }
    }

    private static func nonce(direction: UInt8, counter: UInt64) -> ChaChaPoly.Nonce {
        // 12 bytes: direction, three zero bytes, the counter. Each direction has its own nonce space.
        try! ChaChaPoly.Nonce(data: [direction, 0, 0, 0] + bytes(of: counter))  // 12 bytes is always a valid nonce
    }

    private static func bytes(of counter: UInt64) -> Data {
        Data((0..<8).map { UInt8(truncatingIfNeeded: counter >> (56 - 8 * $0)) })
    }
}
