import Foundation
import NIOCore
import ParleyProtocol

/// A line on a direct session between two clients (newline-delimited JSON, like the server protocol).
///
/// The connecting side opens with `hello` carrying the one-time token and its own name; the listening
/// side answers `welcome` only if both match what the server granted, and closes the connection otherwise.
/// After that both sides send `text` and, when they leave on purpose, `bye` with the reason.
enum PeerFrame: Sendable, Hashable {
    case hello(token: String, user: String)
    case welcome(user: String)
    case text(String)
    case bye(PrivateEndReason)
}

extension PeerFrame: Codable {
    private enum CodingKeys: String, CodingKey { case type, token, user, text, reason }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .type) {
        case "hello":
            self = .hello(
                token: try c.decode(String.self, forKey: .token), user: try c.decode(String.self, forKey: .user))
        case "welcome": self = .welcome(user: try c.decode(String.self, forKey: .user))
        case "text": self = .text(try c.decode(String.self, forKey: .text))
        case "bye": self = .bye(try c.decode(PrivateEndReason.self, forKey: .reason))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "unknown frame \(other)")
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .hello(let token, let user):
            try c.encode("hello", forKey: .type)
            try c.encode(token, forKey: .token)
            try c.encode(user, forKey: .user)
        case .welcome(let user):
            try c.encode("welcome", forKey: .type)
            try c.encode(user, forKey: .user)
        case .text(let text):
            try c.encode("text", forKey: .type)
            try c.encode(text, forKey: .text)
        case .bye(let reason):
            try c.encode("bye", forKey: .type)
            try c.encode(reason, forKey: .reason)
        }
    }

    /// The frame as one line of bytes, newline included.
    var buffer: ByteBuffer { ByteBuffer(bytes: WireCodec().line(self)) }

    init(line: ByteBuffer) throws {
        self = try JSONDecoder().decode(PeerFrame.self, from: Data(line.readableBytesView))
    }
}
