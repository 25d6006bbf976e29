import Foundation
import NIOCore
import NIOSSL

/// How a client decides to trust the server's certificate.
public enum ServerTrust: Sendable {
    /// Normal verification against the system's roots, including the host name.
    case systemRoots
    /// Accept exactly the certificate with this fingerprint (trust on first use, or `--trust`).
    case pinned(CertificateFingerprint)
    /// Accept nothing, but report the certificate's fingerprint, so the user can be asked about it.
    case report(@Sendable (CertificateFingerprint) -> Void)
}

/// Builds the TLS handler a client puts first in its pipeline.
public enum ClientTLS {
    /// `alsoTrusting`: certificate authorities trusted besides the system's, for `.systemRoots`.
    public static func handler(
        host: String, trust: ServerTrust, alsoTrusting authorities: [NIOSSLAdditionalTrustRoots] = []
    ) throws -> NIOSSLClientHandler {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        let serverName = isIPAddress(host) ? nil : host  // SNI takes names only
        switch trust {
        case .systemRoots:
            configuration.additionalTrustRoots = authorities
            let context = try NIOSSLContext(configuration: configuration)
            return try NIOSSLClientHandler(context: context, serverHostname: serverName)
        case .pinned(let expected):
            let context = try NIOSSLContext(configuration: configuration)
            return try NIOSSLClientHandler(context: context, serverHostname: serverName) { chain, promise in
                let matches = chain.first.flatMap { try? CertificateFingerprint($0) } == expected
                promise.succeed(
                    matches ? NIOSSLVerificationResult.certificateVerified : NIOSSLVerificationResult.failed)
            }
        case .report(let report):
            let context = try NIOSSLContext(configuration: configuration)
            return try NIOSSLClientHandler(context: context, serverHostname: serverName) { chain, promise in
                if let leaf = chain.first, let fingerprint = try? CertificateFingerprint(leaf) { report(fingerprint) }
                promise.succeed(NIOSSLVerificationResult.failed)
            }
        }
    }

    /// The certificate authorities in a PEM file (one or more certificates), to trust besides the system's.
    /// Throws `UnreadableAuthorities` when the file cannot be read or holds no certificate.
    public static func authorities(inPEMFile path: String) throws -> NIOSSLAdditionalTrustRoots {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw UnreadableAuthorities(path: path, reason: "no such file, or it may not be read")
        }
        guard let certificates = try? NIOSSLCertificate.fromPEMFile(path), !certificates.isEmpty else {
            throw UnreadableAuthorities(path: path, reason: "it holds no PEM certificate")
        }
        return .certificates(certificates)
    }

    static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }
}

/// A file given as certificate authorities that could not be used.
public struct UnreadableAuthorities: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "cannot read certificates from \(path): \(reason)" }
}
