import Crypto
import NIOSSL

/// The SHA-256 fingerprint of a certificate's DER bytes, written as `openssl x509 -fingerprint -sha256`
/// does (`AB:CD:...`), so a user can check it with standard tools.
public struct CertificateFingerprint: Hashable, Sendable, CustomStringConvertible {
    /// 32 bytes.
    public let bytes: [UInt8]

    public init(der: [UInt8]) {
        bytes = Array(SHA256.hash(data: der))
    }

    public init(_ certificate: NIOSSLCertificate) throws {
        self.init(der: try certificate.toDERBytes())
    }

    /// Parses a fingerprint typed by a person: hex, with or without colons, any case, optional `SHA256:` prefix.
    public init?(parsing text: String) {
        var hex = Substring(text.filter { !$0.isWhitespace })
        if hex.lowercased().hasPrefix("sha256:") { hex = hex.dropFirst(7) }
        let digits = Array(hex.filter { $0 != ":" })
        guard digits.count == 64 else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: 64, by: 2) {
            guard let byte = UInt8(String(digits[index...index + 1]), radix: 16) else { return nil }
            bytes.append(byte)
        }
        self.bytes = bytes
    }

    public var description: String {
        bytes.map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            return byte < 16 ? "0" + hex : hex
        }.joined(separator: ":")
    }
}
