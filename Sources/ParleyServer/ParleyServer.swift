import Crypto
import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ParleyCore
import ParleyFraming
import ParleyProtocol
import ParleyStore
import ParleyTLS
import ServiceLifecycle

/// A running Parley server: the store, the core, the event loop and the listening socket.
///
/// `start` binds, then opens and migrates the store, imports credentials if asked, loads the core's state and accepts.
/// `shutdown` logs everyone out with a notice, waits until the store has every write, and closes it.
/// As a `Service` it runs until swift-service-lifecycle signals graceful shutdown (SIGINT, SIGTERM, SIGHUP).
public final class ParleyServer: Sendable {
    /// Where the server listens (with the real port when 0 was asked for).
    public let localAddress: SocketAddress
    public var port: Int { localAddress.port ?? 0 }
    /// Where `GET /metrics` answers, when metrics were asked for.
    public var metricsPort: Int? { metrics?.port }
    /// The TLS certificate's fingerprint, or `nil` when serving plaintext.
    public let tlsFingerprint: CertificateFingerprint?

    private let group: MultiThreadedEventLoopGroup
    private let storeThread: NIOThreadPool
    private let hashPool: NIOThreadPool
    private let acceptor: SocketAcceptor
    private let hub: ChatHub
    private let retention: LoginHistoryRetention?
    private let logger: Logger
    private let metrics: MetricsEndpoint?
    /// Held from start to shutdown when the server opened the database itself.
    private let databaseLock: DatabaseLock?
    /// The store the server opened itself, closed at shutdown before the lock is released (a store given to
    /// `start` stays its giver's).
    private let ownStore: (any ChatStore)?

    /// Starts a server on `configuration.database`, or on `store` when one is given (tests use this to
    /// watch or break the store). A database another server is using is refused (`DatabaseLock`, or the
    /// PostgreSQL store's advisory lock).
    public static func start(
        configuration: ServerConfiguration, store givenStore: (any ChatStore)? = nil,
        logger: Logger = Logger(label: "parleyd")
    ) async throws -> ParleyServer {
        let lock = givenStore == nil ? try configuration.database.lock() : nil
        do {
            return try await start(configuration: configuration, store: givenStore, lock: lock, logger: logger)
        } catch {
            lock?.release()
            throw error
        }
    }

    private static func start(
        configuration: ServerConfiguration, store givenStore: (any ChatStore)?, lock: DatabaseLock?, logger: Logger
    ) async throws -> ParleyServer {
        ProcessTuning.configureMemory
        // The port first: a server that cannot listen (the port in use, an unknown host) says so before it
        // creates or changes anything (a new database, a certificate); clients that come while the store loads
        // wait in the backlog.
        let acceptor = try SocketAcceptor(host: configuration.host, port: configuration.port, backlog: 1024)
        let store: any ChatStore
        do {
            store = try givenStore ?? configuration.database.openStore(logger: logger)
        } catch {
            try? await acceptor.stop()
            throw error
        }
        let ownStore = givenStore == nil ? store : nil  // the server's to close; a given store stays its giver's
        let snapshot: CoreSnapshot
        let identity: ServerIdentity?
        do {
            identity = try tlsIdentity(for: configuration)
            snapshot = try DatabaseUnusable.checking(configuration.database.description) {
                if let file = configuration.credentialsFile {
                    try importCredentials(
                        from: file, into: store, hasher: configuration.passwordHasher, logger: logger)
                }
                return try store.loadSnapshot(now: Date())
            }
        } catch {
            try? await acceptor.stop()
            try? ownStore?.close()
            throw error
        }
        if ownStore != nil, let path = configuration.database.sqlitePath, let mode = DatabasePermissions.tooOpen(path) {
            logger.warning("\(DatabasePermissions.warning(path: path, mode: mode))")
        }
        let core = ChatCore(
            configuration: configuration.core, snapshot: snapshot, makeToken: SessionToken.random,
            digestToken: SessionToken.digest)
        logger.info(
            "store loaded",
            metadata: [
                "accounts": "\(snapshot.accounts.count)", "waiting": "\(snapshot.waitingMessages.count)",
                "database": "\(configuration.database)",
            ])

        // One event loop for every connection and the core: see ChatHub.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let storeThread = NIOThreadPool(numberOfThreads: 1)
        let hashPool = NIOThreadPool(numberOfThreads: configuration.hashingThreads)
        storeThread.start()
        hashPool.start()
        let eventLoop = group.next()
        let hub = ChatHub(
            core: core, store: store, eventLoop: eventLoop, storeThread: storeThread, hashPool: hashPool,
            configuration: configuration, logger: logger)
        do {
            let connections = ConnectionBootstrap(
                group: group, hub: hub, tls: identity?.context, maxLineBytes: configuration.maxLineBytes,
                logger: logger)
            acceptor.start(logger: logger) { socket in connections.takeOver(socket) }
            eventLoop.execute { hub.watchMemory() }
            let retention = configuration.loginHistoryRetention.map { keep in
                LoginHistoryRetention(
                    store: store, thread: storeThread, eventLoop: eventLoop, keep: keep, logger: logger)
            }
            if let retention { eventLoop.execute { retention.start() } }
            var metrics: MetricsEndpoint?
            if let port = configuration.metricsPort {
                do {
                    metrics = try await MetricsEndpoint.start(
                        host: configuration.metricsHost, port: port, patience: configuration.metricsPatience, hub: hub)
                } catch {
                    throw MetricsUnavailable(host: configuration.metricsHost, port: port, reason: error)
                }
            }
            return ParleyServer(
                group: group, storeThread: storeThread, hashPool: hashPool, acceptor: acceptor, hub: hub,
                retention: retention, metrics: metrics, databaseLock: lock, ownStore: ownStore,
                fingerprint: identity?.fingerprint, logger: logger)
        } catch {
            try? await acceptor.stop()
            try? await group.shutdownGracefully()  // the first error is the one worth reporting
            try? await storeThread.shutdownGracefully()
            try? await hashPool.shutdownGracefully()
            try? ownStore?.close()
            throw error
        }
    }

    private init(
        group: MultiThreadedEventLoopGroup, storeThread: NIOThreadPool, hashPool: NIOThreadPool,
        acceptor: SocketAcceptor, hub: ChatHub, retention: LoginHistoryRetention?, metrics: MetricsEndpoint?,
        databaseLock: DatabaseLock?, ownStore: (any ChatStore)?, fingerprint: CertificateFingerprint?, logger: Logger
    ) {
        self.databaseLock = databaseLock
        self.ownStore = ownStore
        self.metrics = metrics
        self.tlsFingerprint = fingerprint
        self.group = group
        self.storeThread = storeThread
        self.hashPool = hashPool
        self.acceptor = acceptor
        self.hub = hub
        self.retention = retention
        self.logger = logger
        self.localAddress = acceptor.localAddress
    }

    /// Stops accepting, logs everyone out with a notice, flushes the store and releases the threads.
    public func shutdown() async throws {
        logger.info("shutting down")
        try await acceptor.stop()
        try? await metrics?.stop()
        // The hashing threads first: a check still running reports to the event loop, and what it changes (a
        // wrong password counted) must be in the store before the hub's last batch; checks not started yet
        // are dropped (the hub ignores a check without an answer).
        try await hashPool.shutdownGracefully()
        let hub = self.hub
        try await hub.eventLoop.flatSubmit { hub.shutdown() }.get()
        if let retention { try await hub.eventLoop.flatSubmit { retention.stop() }.get() }
        try await group.shutdownGracefully()
        try await storeThread.shutdownGracefully()
        do {
            try ownStore?.close()
        } catch {
            logger.warning("the database was not closed cleanly (\(error)); it is recovered at the next start")
        }
        databaseLock?.release()
        logger.info("stopped")
    }

    /// The TLS identity the configuration asks for; the self-signed one lives beside the database.
    private static func tlsIdentity(for configuration: ServerConfiguration) throws -> ServerIdentity? {
        switch configuration.transport {
        case .plaintext:
            return nil
        case .tls(let certificatePath, let keyPath):
            return try ServerIdentity.load(certificatePath: certificatePath, keyPath: keyPath)
        case .selfSignedTLS:
            let directory = configuration.database.directoryForFiles
            var names = ["localhost", "127.0.0.1", ProcessInfo.processInfo.hostName]
            if configuration.host != "0.0.0.0", configuration.host != "::" { names.append(configuration.host) }
            return try ServerIdentity.selfSigned(in: directory, hostnames: Array(Set(names)).sorted())
        }
    }

    private static func importCredentials(
        from path: String, into store: any ChatStore, hasher: PasswordHasher, logger: Logger
    ) throws {
        let contents = try CredentialsFileProblem.read(path)
        let plan = try CredentialsImport.plan(
            contents: contents, existing: store.accountNames(), hasher: hasher, now: Date())
        try store.apply(plan.writes)
        logger.notice(
            "credentials imported",
            metadata: [
                "file": "\(path)", "created": "\(plan.writes.count)", "existing": "\(plan.skippedExisting)",
                "repeatedLines": "\(plan.repeatedLines)", "rejectedLines": "\(plan.rejectedLines)",
            ])
        for (line, reason) in plan.rejected.prefix(20) {
            logger.warning("credentials line skipped: \(reason)", metadata: ["file": "\(path)", "line": "\(line)"])
        }
        if !plan.repeatedLines.isEmpty {
            logger.warning(
                "credentials lines skipped: their username is on an earlier line, whose password was taken",
                metadata: ["file": "\(path)", "lines": "\(plan.repeatedLines)"])
        }
        let advice =
            "\(path) holds passwords in plain text; the database has them hashed now, so delete the file (or keep "
            + "it where only you can read it) and start without --credentials"
        logger.warning("\(advice)")
    }
}

/// The metrics port could not be opened.
struct MetricsUnavailable: Error, CustomStringConvertible {
    let host: String
    let port: Int
    let reason: any Error

    var description: String {
        "cannot serve metrics on \(Texts.endpoint(host: host, port: port)): \(socketProblem(reason))"
    }
}

/// Runs the server under swift-service-lifecycle until graceful shutdown is asked for.
public struct ParleyService: Service {
    let server: ParleyServer
    let onReady: @Sendable () -> Void

    /// `onReady` runs once the service group traps SIGINT/SIGTERM, so a signal sent right after the
    /// ready line always shuts down gracefully.
    public init(server: ParleyServer, onReady: @escaping @Sendable () -> Void = {}) {
        self.server = server
        self.onReady = onReady
    }

    public func run() async throws {
        onReady()
        try? await gracefulShutdown()  // returns when shutdown is signalled, or throws if cancelled: stop either way
        try await server.shutdown()
    }
}

/// One-time tokens for private sessions: 128 random bits, hex.
enum SessionToken {
    @Sendable static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in String(generator.next() as UInt64, radix: 16).leftPadded(to: 16) }.joined()
    }

    /// SHA-256 in hex: a resume token is random and long enough that a plain digest keeps it safe at rest
    /// (unlike a password, it needs no slow hash).
    @Sendable static func digest(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { byte in String(byte, radix: 16).leftPadded(to: 2) }.joined()
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
