import Foundation
import NIOSSL
import ParleyProtocol
import ParleyTLS

/// How the connection to the server is secured.
public enum ServerSecurity: Sendable {
    /// No TLS, for a server run with `--insecure-plaintext`.
    case plaintext
    /// TLS, accepting exactly the certificate with this fingerprint (`--trust`).
    case pinned(CertificateFingerprint)
    /// TLS, accepting the certificate remembered for this server; on first contact the user is shown the
    /// certificate's fingerprint and asked whether to trust and remember it (as SSH does).
    case trustOnFirstUse(KnownHosts)
}

/// Everything a client run can be told; the command line fills in host and port, tests shorten the timers.
public struct ClientConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var security: ServerSecurity
    /// Shown before each command. Empty off a terminal, where output is plain lines.
    public var commandPrompt: String
    /// How often the client pings the server on its own; pings do not count as the user's activity.
    public var keepAliveInterval: Duration
    /// How long a logged-in client waits to hear anything from the server, its pings unanswered, before it
    /// takes the connection for lost. Counted in keep-alive ticks (`keepAliveInterval` each), so time the
    /// client did not run does not count.
    public var serverSilenceLimit: Duration = .seconds(75)
    /// Where the keep-alive ticks come from: a timer every `keepAliveInterval`. A test gives its own, to stand
    /// for a client that was stopped for a while.
    public var keepAliveTicks: @Sendable (_ interval: Duration) -> AsyncStream<Void> = Self.keepAliveTimer
    public var connectTimeout: Duration
    /// Where this client listens for the peers of private sessions. All interfaces by default, since the
    /// peer connects to the address the server sees us at.
    public var peerListenHost: String
    /// How long a direct connection may take to prove its token before it is dropped.
    public var peerHandshakeTimeout: Duration
    /// How long the accepting side of a private session tries to reach the requester directly before the
    /// session is relayed through the server instead (still end-to-end encrypted).
    public var privateDirectTimeout: Duration
    /// The port told to peers for private sessions instead of the one this client listens on, for a router
    /// that forwards another port to it. `nil` tells the real port. (A port nobody listens on makes every
    /// session take the relay, which is how tests exercise it.)
    public var advertisedPeerPort: Int?
    /// The calendar (and so time zone) in which the times of waiting messages are shown.
    public var calendar: Calendar
    public var clientName: String
    /// Certificate authorities trusted besides the system's when a server's certificate is checked the
    /// normal way (before trust on first use asks): a private CA, or a test's stand-in for the system's.
    public var additionalTrustRoots: [NIOSSLAdditionalTrustRoots] = []
    /// Whether and how a logged-in session is picked up again after the connection to the server is lost or
    /// the server shuts down. `nil` (the default, and a script's) ends the run instead.
    public var reconnection: Reconnection?

    public init(
        host: String = "127.0.0.1", port: Int = 4000, security: ServerSecurity = .trustOnFirstUse(.standard),
        commandPrompt: String = Texts.commandPrompt,
        keepAliveInterval: Duration = .seconds(30), connectTimeout: Duration = .seconds(10),
        peerListenHost: String = "0.0.0.0", peerHandshakeTimeout: Duration = .seconds(5),
        privateDirectTimeout: Duration = .seconds(3), advertisedPeerPort: Int? = nil,
        calendar: Calendar = .current, clientName: String = "parley"
    ) {
        self.host = host
        self.port = port
        self.security = security
        self.commandPrompt = commandPrompt
        self.keepAliveInterval = keepAliveInterval
        self.connectTimeout = connectTimeout
        self.peerListenHost = peerListenHost
        self.peerHandshakeTimeout = peerHandshakeTimeout
        self.privateDirectTimeout = privateDirectTimeout
        self.advertisedPeerPort = advertisedPeerPort
        self.calendar = calendar
        self.clientName = clientName
    }
}

extension ClientConfiguration {
    /// A tick every `interval`, as long as it is listened to: the default `keepAliveTicks`. A process stopped
    /// meanwhile finds one tick due when it runs again, not one for each interval it missed.
    public static func keepAliveTimer(every interval: Duration) -> AsyncStream<Void> {
        AsyncStream { continuation in
            let timer = Task {
                while true {
                    do { try await Task.sleep(for: interval) } catch { break }
                    continuation.yield()
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in timer.cancel() }
        }
    }
}
