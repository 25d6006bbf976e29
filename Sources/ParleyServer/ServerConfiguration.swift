import Foundation
import NIOCore
import ParleyCore
import ParleyProtocol
import ParleyStore

/// Everything `parleyd` can be told, with the SPEC's defaults. The command line only fills this in.
public struct ServerConfiguration: Sendable {
    /// How clients reach the server: TLS by default.
    public enum Transport: Sendable {
        /// TLS with a self-signed certificate kept beside the database, made on first start.
        case selfSignedTLS
        /// TLS with the given PEM files.
        case tls(certificatePath: String, keyPath: String)
        /// No encryption (`--insecure-plaintext`): for local experiments and tests only.
        case plaintext
    }

    public var host = "0.0.0.0"
    public var transport = Transport.selfSignedTLS
    /// 0 picks a free port.
    public var port = 4000
    public var database = DatabaseLocation.sqlite(path: "parley.db")
    /// The prototype's `credentials.txt`, imported at start-up.
    public var credentialsFile: String?
    /// Where `GET /metrics` answers in Prometheus's text format (0 picks a free port); `nil`: no metrics.
    public var metricsPort: Int?
    /// The metrics' address: the machine itself by default, since the numbers are the operator's.
    public var metricsHost = "127.0.0.1"
    /// How long a metrics connection may stay without asking anything before it is closed.
    var metricsPatience = TimeAmount.seconds(10)
    /// How long sessions of the login history are kept (each user's last one always is); `nil` keeps all.
    public var loginHistoryRetention: TimeInterval? = 90 * 24 * 3600
    public var core = CoreConfiguration()
    public var maxLineBytes = ProtocolLimits.defaultMaxLineBytes
    /// Bytes that may wait unsent for a client that does not read before it is disconnected.
    public var maxOutboundBytes = 1 << 20
    public var passwordHasher = PasswordHasher.standard
    /// Threads that hash passwords, off the event loop.
    public var hashingThreads = max(1, ProcessInfo.processInfo.activeProcessorCount)

    public init() {}
}
