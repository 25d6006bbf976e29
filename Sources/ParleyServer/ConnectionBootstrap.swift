import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// Turns an accepted socket into a SwiftNIO channel on the hub's event loop: the socket options (keepalive,
/// `DeadPeerDetection`), TLS when on, and the `ConnectionHandler`, told the descriptor when the hub may write
/// to it directly (plaintext); over TLS, `TLSRecordWriter` writes NIOSSL's records to it directly instead.
struct ConnectionBootstrap: Sendable {
    let group: MultiThreadedEventLoopGroup
    let hub: ChatHub
    let tls: NIOSSLContext?
    let maxLineBytes: Int
    let logger: Logger

    /// Hands `socket` to SwiftNIO, which owns it from here on (and closes it if it cannot take it).
    func takeOver(_ socket: CInt) {
        let hub = self.hub
        let tls = self.tls
        let maxLineBytes = self.maxLineBytes
        let logger = self.logger
        DeadPeerDetection.enable(on: socket)
        ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            // What NIO may hold for a client that reads slowly before the hub keeps output in the
            // connection's outbox instead (see `ChatHub.flush`).
            .channelOption(.writeBufferWaterMark, value: .init(low: 8 * 1024, high: 32 * 1024))
            // A plain-text client that closes its side (`nc -N`, a script's pipe ending) still reads: it gets
            // the answers to what it sent before the server closes (`ChatHub.inputEnded`). Over TLS, a client
            // ends with close_notify, and NIOSSL closes the connection.
            .channelOption(.allowRemoteHalfClosure, value: tls == nil)
            // Requests are short lines: start reading into 128 bytes (NIO's default is 2 KiB; most requests
            // fit: a message of a sentence, a `hello` with its `login`) and grow only for a client that sends
            // more. Every connection keeps its receive buffer between reads, at the largest size it grew to:
            // starting at 256 bytes cost 140 more per idle client (docs/BENCHMARKS.md).
            .channelOption(
                .recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 128, maximum: 64 * 1024)
            )
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        // First to read, and its one reply to a plain-text client is not encrypted.
                        try channel.pipeline.syncOperations.addHandler(PlaintextOnTLSPort())
                        // Nearest the head for writes, so that it sees NIOSSL's records and nothing else.
                        try channel.pipeline.syncOperations.addHandler(TLSRecordWriter(socket: socket))
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls))
                    }
                    try channel.pipeline.syncOperations.addHandler(
                        ConnectionHandler(hub: hub, maxLineBytes: maxLineBytes, socket: tls == nil ? socket : nil))
                }
            }
            .withConnectedSocket(socket)
            .whenFailure { error in
                logger.notice("could not set up a connection", metadata: ["reason": "\(error)"])
            }
    }
}
