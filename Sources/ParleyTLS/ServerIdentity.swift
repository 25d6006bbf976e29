import Crypto
import Foundation
import NIOSSL
import SwiftASN1
import X509

/// The server's TLS certificate and key, ready for NIOSSL, and the fingerprint users compare.
public struct ServerIdentity: Sendable {
    public let context: NIOSSLContext
    public let fingerprint: CertificateFingerprint
    /// Whether the certificate was made by `parleyd` itself (clients then rely on trust on first use).
    public let isSelfSigned: Bool

    /// Loads a certificate chain and key from PEM files (for example from Let's Encrypt).
    public static func load(certificatePath: String, keyPath: String) throws -> ServerIdentity {
        // NIOSSL's own errors name neither the file nor the reason ("failedToLoadCertificate").
        for path in [certificatePath, keyPath] where !FileManager.default.isReadableFile(atPath: path) {
            throw TLSSetupError.cannotRead(path)
        }
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
        } catch {
            throw TLSSetupError.notPEM(certificatePath, what: "certificate")
        }
        guard let leaf = chain.first else { throw TLSSetupError.noCertificate(certificatePath) }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        } catch {
            throw TLSSetupError.notPEM(keyPath, what: "private key")
        }
        do {
            return try ServerIdentity(
                chain: chain, key: key, fingerprint: CertificateFingerprint(leaf), isSelfSigned: false)
        } catch let error as NIOSSLError {
            guard case .failedToLoadPrivateKey = error else { throw error }
            throw TLSSetupError.keyDoesNotMatch(certificate: certificatePath, key: keyPath)
        }
    }

    /// Uses the self-signed certificate kept in `directory`, creating it on first start.
    /// The key file is readable by its owner only.
    public static func selfSigned(in directory: URL, hostnames: [String]) throws -> ServerIdentity {
        let certificateURL = directory.appendingPathComponent("parleyd-cert.pem")
        let keyURL = directory.appendingPathComponent("parleyd-key.pem")
        let files = FileManager.default
        switch (files.fileExists(atPath: certificateURL.path), files.fileExists(atPath: keyURL.path)) {
        case (true, true):
            break
        case (false, false):
            let (certificatePEM, keyPEM) = try makeSelfSigned(hostnames: hostnames)
            try writeOwnerOnly(Data(keyPEM.utf8), to: keyURL.path)
            try Data(certificatePEM.utf8).write(to: certificateURL, options: .atomic)
        case (let hasCertificate, _):
            // A new pair would be a new identity, which every client that trusted the old one refuses.
            let (present, missing) = hasCertificate ? (certificateURL, keyURL) : (keyURL, certificateURL)
            throw TLSSetupError.halfAnIdentity(present: present.path, missing: missing.path)
        }
        let identity = try load(certificatePath: certificateURL.path, keyPath: keyURL.path)
        return ServerIdentity(context: identity.context, fingerprint: identity.fingerprint, isSelfSigned: true)
    }

    /// Writes `data` to `path` through a new file that only its owner can read from the moment it exists,
    /// then renames it into place: `FileManager.createFile(attributes:)` writes with the usual mode first and
    /// narrows it after, which leaves a moment in which anyone on the machine could read the key.
    private static func writeOwnerOnly(_ data: Data, to path: String) throws {
        let temporary = "\(path).new-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw TLSSetupError.cannotWrite(path) }
        let written = data.withUnsafeBytes { bytes in write(descriptor, bytes.baseAddress, bytes.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == data.count, synced, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw TLSSetupError.cannotWrite(path)
        }
    }

    private init(context: NIOSSLContext, fingerprint: CertificateFingerprint, isSelfSigned: Bool) {
        self.context = context
        self.fingerprint = fingerprint
        self.isSelfSigned = isSelfSigned
    }

    private init(
        chain: [NIOSSLCertificate], key: NIOSSLPrivateKey, fingerprint: CertificateFingerprint, isSelfSigned: Bool
    ) throws {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        self.init(
            context: try NIOSSLContext(configuration: configuration), fingerprint: fingerprint,
            isSelfSigned: isSelfSigned)
    }

    /// A P-256 certificate valid for ten years for `hostnames` (names or IP addresses).
    static func makeSelfSigned(hostnames: [String]) throws -> (certificate: String, key: String) {
        let signingKey = P256.Signing.PrivateKey()
        let key = Certificate.PrivateKey(signingKey)
        let name = try DistinguishedName { CommonName("parleyd") }
        let now = Date()
        let alternativeNames = hostnames.map { host -> GeneralName in
            if let address = IPAddressBytes(host) {
                return .ipAddress(ASN1OctetString(contentBytes: address.bytes[...]))
            }
            return .dnsName(host)
        }
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
            try ExtendedKeyUsage([.serverAuth])
            SubjectAlternativeNames(alternativeNames)
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(10 * 365 * 86400),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions,
            issuerPrivateKey: key)
        return (try certificate.serializeAsPEM().pemString, signingKey.pemRepresentation)
    }
}

/// The bytes of a dotted IPv4 address, for a certificate's IP subject alternative name.
private struct IPAddressBytes {
    let bytes: [UInt8]
    init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard let value = UInt8(part) else { return nil }
            bytes.append(value)
        }
        self.bytes = bytes
    }
}

public enum TLSSetupError: Error, CustomStringConvertible {
    case noCertificate(String)
    case cannotWrite(String)
    case cannotRead(String)
    case notPEM(String, what: String)
    case keyDoesNotMatch(certificate: String, key: String)
    /// One file of the self-signed pair is there without the other.
    case halfAnIdentity(present: String, missing: String)

    public var description: String {
        switch self {
        case .noCertificate(let path): "no certificate in \(path)"
        case .cannotWrite(let path): "cannot write \(path)"
        case .cannotRead(let path): "cannot read \(path): is it there, and readable by this user?"
        case .notPEM(let path, let what): "\(path) does not hold a \(what) in PEM form"
        case .keyDoesNotMatch(let certificate, let key):
            "the key in \(key) is not the key of the certificate in \(certificate)"
        case .halfAnIdentity(let present, let missing):
            "\(missing) is missing beside \(present); a new pair would be a new server identity, which every "
                + "client that trusted this one refuses: put the missing file back, or remove \(present) too to "
                + "make a new identity (clients are then asked to trust it again)"
        }
    }
}
