import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One simulated user: its connection and where it is in logging in. Confined to its swarm's event loop.
/// `@unchecked Sendable`: touched only on the swarm's event loop.
final class BenchClient: @unchecked Sendable {
    /// Index among all clients of the run (across bench processes); it is the sender number in stamps.
    let index: Int
    let name: [UInt8]
    var channel: (any Channel)?
    /// Completed when the server confirms the login (Parley reply, IRC 001).
    var loggedIn: EventLoopPromise<Void>?
    /// Completed when the channel join finished (IRC 366).
    var joined: EventLoopPromise<Void>?
    /// Completed when the connection is gone.
    var closed: EventLoopPromise<Void>?
    /// Queued for the flush at the end of this event-loop tick.
    var dirty = false
    /// Messages this client sent that have not been delivered yet (window mode).
    var inFlight = 0
    /// The token its last login gave, when the swarm asks for them (Parley `resume`).
    var resumeToken: [UInt8]?

    init(index: Int, name: [UInt8]) {
        self.index = index
        self.name = name
    }
}

/// Splits what the server sends into lines (dropping a trailing `\r`) and hands each to the swarm while it
/// is still in the receive buffer: no copy, no String.
final class BenchLineHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let client: BenchClient
    private let swarm: Swarm
    private var partial: ByteBuffer?

    init(client: BenchClient, swarm: Swarm) {
        self.client = client
        self.swarm = swarm
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        if var pending = partial {
            partial = nil
            pending.writeBuffer(&buffer)
            buffer = pending
        }
        let consumed = buffer.withUnsafeReadableBytes { bytes -> Int in
            var start = 0
            while start < bytes.count, let hit = memchr(bytes.baseAddress! + start, 0x0A, bytes.count - start) {
                let newline = bytes.baseAddress!.distance(to: UnsafeRawPointer(hit))
                var end = newline
                if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                swarm.received(UnsafeRawBufferPointer(rebasing: bytes[start..<end]), from: client)
                start = newline + 1
            }
            return start
        }
        buffer.moveReaderIndex(forwardBy: consumed)
        if buffer.readableBytes > 0 { partial = buffer }
    }

    func channelInactive(context: ChannelHandlerContext) {
        swarm.disconnected(client)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
