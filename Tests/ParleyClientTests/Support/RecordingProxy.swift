import NIOCore
import NIOPosix

/// A TCP relay between clients and the server that records every byte the clients send, so a test can
/// prove what the server was (and was not) told, and can cut the connections as a network failure would.
final class RecordingProxy: Sendable {
    private let listener: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>
    private let recorder = Recorder()
    private let relaying: Task<Void, Never>
    let port: Int

    private actor Recorder {
        var bytes: [UInt8] = []
        var connections: [any Channel] = []
        func append(_ buffer: ByteBuffer) { bytes.append(contentsOf: buffer.readableBytesView) }
        func add(_ channel: any Channel) { connections.append(channel) }
    }

    init(forwardingTo serverPort: Int) async throws {
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        self.listener = listener
        port = listener.channel.localAddress?.port ?? 0
        let recorder = recorder
        relaying = Task {
            try? await listener.executeThenClose { clients in  // Ends when the proxy is closed.
                try await withThrowingDiscardingTaskGroup { group in
                    for try await client in clients {
                        group.addTask { await Self.relay(client, to: serverPort, recorder: recorder) }
                    }
                }
            }
        }
    }

    /// Everything clients sent to the server so far, as text.
    var recorded: String {
        get async { String(decoding: await recorder.bytes, as: UTF8.self) }
    }

    /// Closes every relayed connection, as a broken network would.
    func cutConnections() async {
        for channel in await recorder.connections { channel.close(promise: nil) }
    }

    func close() async {
        listener.channel.close(promise: nil)
        await cutConnections()
        await relaying.value
    }

    private static func relay(
        _ client: NIOAsyncChannel<ByteBuffer, ByteBuffer>, to serverPort: Int, recorder: Recorder
    ) async {
        do {
            let server = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: serverPort) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
            await recorder.add(client.channel)
            await recorder.add(server.channel)
            try await client.executeThenClose { clientIn, clientOut in
                try await server.executeThenClose { serverIn, serverOut in
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for try await buffer in clientIn {
                                await recorder.append(buffer)
                                try await serverOut.write(buffer)
                            }
                        }
                        group.addTask {
                            for try await buffer in serverIn { try await clientOut.write(buffer) }
                        }
                        // When either direction ends, the relay ends and both connections close.
                        _ = try await group.next()
                        group.cancelAll()
                    }
                }
            }
        } catch {
            // A cut or failed connection simply ends the relay.
        }
    }
}
