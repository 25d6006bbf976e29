import Foundation
import ParleyCore
import ParleyProtocol
import ParleyStore

/// Everything `parleyd` can be told, with the SPEC's defaults. The command line only fills this in.
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    /// 0 picks a free port.
    public var port = 4000
    public var databasePath = "parley.db"
    /// The prototype's `credentials.txt`, imported at start-up.
    public var credentialsFile: String?
    public var core = CoreConfiguration()
    public var maxLineBytes = ProtocolLimits.defaultMaxLineBytes
    /// Bytes that may wait unsent for a client that does not read before it is disconnected.
    public var maxOutboundBytes = 1 << 20
    public var passwordHasher = PasswordHasher.standard
    /// Threads that hash passwords, off the event loop.
    public var hashingThreads = max(1, ProcessInfo.processInfo.activeProcessorCount)

    public init() {}
}
