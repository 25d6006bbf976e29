import Foundation
import ParleyProtocol

/// What one sealed frame of a private session says, before sealing and after opening. The same payloads
/// travel over the direct connection (inside `PeerFrame`s) and through the server's relay, so the path a
/// session takes changes nothing about what is protected.
///
/// `hello` and `welcome` are the handshake: a sealed `hello` that opens proves the sender holds the key of
/// this very session (made from both ephemeral keys, the server's one-time token and both names).
enum PrivatePayload: Sendable, Hashable {
    case hello
    case welcome
    case text(String)
    /// The sender leaves on purpose, and why (on the direct path; relayed sessions are ended by the server).
    case bye(PrivateEndReason)
}

extension PrivatePayload: Codable {
    private enum CodingKeys: String, CodingKey { case type, text, reason }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .type) {
        case "hello": self = .hello
        case "welcome": self = .welcome
        case "text": self = .text(try c.decode(String.self, forKey: .text))
        case "bye": self = .bye(try c.decode(PrivateEndReason.self, forKey: .reason))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "unknown payload \(other)")
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .hello: try c.encode("hello", forKey: .type)
        case .welcome: try c.encode("welcome", forKey: .type)
        case .text(let text):
            try c.encode("text", forKey: .type)
            try c.encode(text, forKey: .text)
        case .bye(let reason):
            try c.encode("bye", forKey: .type)
            try c.encode(reason, forKey: .reason)
        }
    }

    /// The bytes that get sealed: compact JSON.
    var data: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // A plain enum of strings always encodes; a failure would be a programming error.
        return try! encoder.encode(self)
    }

    init(data: Data) throws {
        self = try JSONDecoder().decode(PrivatePayload.self, from: data)
    }
}
