import Foundation
import NIOCore
import ParleyProtocol

/// A line on a direct session between two clients (newline-delimited JSON, like the server protocol).
///
/// Only the names travel in clear; everything else is sealed end to end (`SealedSession`), so the
/// connection proves both the server's one-time token and the keys the two clients exchanged:
/// the connecting side opens with `hello` (its name and a sealed `hello` payload); the listening side
/// answers `welcome` (its name and a sealed `welcome` payload) only if that proof opens with the key of a
/// session the server granted for exactly that peer, and closes the connection otherwise. After that both
/// sides send only `sealed` frames, each wrapping one `PrivatePayload`.
enum PeerFrame: Sendable, Hashable {
    case hello(user: String, sealed: String)
    case welcome(user: String, sealed: String)
    case sealed(String)
}

extension PeerFrame: Codable {
    private enum CodingKeys: String, CodingKey { case type, user, sealed, data }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .type) {
        case "hello":
            self = .hello(
                user: try c.decode(String.self, forKey: .user), sealed: try c.decode(String.self, forKey: .sealed))
        case "welcome":
            self = .welcome(
                user: try c.decode(String.self, forKey: .user), sealed: try c.decode(String.self, forKey: .sealed))
        case "sealed": self = .sealed(try c.decode(String.self, forKey: .data))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "unknown frame \(other)")
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .hello(let user, let sealed):
            try c.encode("hello", forKey: .type)
            try c.encode(user, forKey: .user)
            try c.encode(sealed, forKey: .sealed)
        case .welcome(let user, let sealed):
            try c.encode("welcome", forKey: .type)
            try c.encode(user, forKey: .user)
            try c.encode(sealed, forKey: .sealed)
        case .sealed(let data):
            try c.encode("sealed", forKey: .type)
            try c.encode(data, forKey: .data)
        }
    }

    /// The frame as one line of bytes, newline included.
    var buffer: ByteBuffer { ByteBuffer(bytes: WireCodec().line(self)) }

    init(line: ByteBuffer) throws {
        self = try Self(bytes: Data(line.readableBytesView))
    }

    init(bytes: Data) throws {
        self = try JSONDecoder().decode(PeerFrame.self, from: bytes)
    }
}
