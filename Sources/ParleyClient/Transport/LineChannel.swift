import NIOCore
import NIOPosix
import NIOSSL
import ParleyFraming
import ParleyProtocol

/// A TCP connection carrying newline-delimited frames: inbound one `ByteBuffer` per line, outbound raw bytes.
/// Used for the server connection and for direct sessions alike.
public typealias LineChannel = NIOAsyncChannel<ByteBuffer, ByteBuffer>

/// Opening connections and listeners whose pipelines frame lines; the one place the client touches bootstraps.
enum LineTransport {
    /// Connects to `host:port`. With `tls`, the handler it makes goes first in the pipeline and this returns
    /// only once the TLS handshake has succeeded (within `timeout`).
    static func connect(
        host: String, port: Int, timeout: Duration, tls: (@Sendable () throws -> NIOSSLClientHandler)? = nil,
        maxLineBytes: Int = ProtocolLimits.defaultMaxLineBytes,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> LineChannel {
        let (channel, handshake) = try await ClientBootstrap(group: group)
            .connectTimeout(.init(timeout))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    var handshake: EventLoopFuture<Void>?
                    if let tls {
                        let promise = channel.eventLoop.makePromise(of: Void.self)
                        try channel.pipeline.syncOperations.addHandler(try tls())
                        try channel.pipeline.syncOperations.addHandler(
                            HandshakeWatcher(promise: promise, timeout: .init(timeout)))
                        handshake = promise.futureResult
                    }
                    return (try wrap(channel, maxLineBytes: maxLineBytes), handshake)
                }
            }
        do {
            try await handshake?.get()
        } catch {
            try? await channel.channel.close()  // Already closed when the handshake failed; either way it goes.
            throw error
        }
        return channel
    }

    /// Listens on `host:port` (port 0 picks a free one); every accepted connection arrives already framed.
    static func listen(
        host: String, port: Int, maxLineBytes: Int = ProtocolLimits.defaultMaxLineBytes,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> NIOAsyncChannel<LineChannel, Never> {
        try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try wrap(channel, maxLineBytes: maxLineBytes) }
            }
    }

    private static func wrap(_ channel: any Channel, maxLineBytes: Int) throws -> LineChannel {
        try channel.pipeline.syncOperations.addHandler(
            ByteToMessageHandler(LineFrameDecoder(maxLength: maxLineBytes)))
        return try LineChannel(wrappingChannelSynchronously: channel)
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
