import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Turns a failed connect into the short REASON of `Cannot connect to HOST:PORT: REASON`.
enum ConnectFailure {
    /// The server answered, but not with a TLS certificate.
    struct NoCertificate: Error {}

    /// What a plain-text client is told when the server answered its first line with `tls_required`.
    static let serverSpeaksTLS = "the server speaks TLS (leave out --insecure-plaintext)"

    static func reason(_ error: any Error) -> String {
        switch error {
        case is NoCertificate, is NIOSSLError, is BoringSSLError, is HandshakeWatcher.TimedOut:
            return "TLS handshake failed (if the server runs with --insecure-plaintext, so must the client)"
        case let error as NIOConnectionError:
            if let first = error.connectionErrors.first { return reason(first.error) }
            return error.dnsAAAAError.map(reason) ?? error.dnsAError.map(reason) ?? "no address found for host"
        case let error as SocketAddressError.UnknownHost:
            return error.errorDescription
        case let error as IOError:
            return String(cString: strerror(error.errnoCode))
        case is ChannelError:
            if case .connectTimeout = error as? ChannelError { return "connection timed out" }
            return "\(error)"
        default:
            return "\(error)"
        }
    }
}
