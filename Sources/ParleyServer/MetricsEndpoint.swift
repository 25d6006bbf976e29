import NIOCore
import NIOHTTP1
import NIOPosix

/// A small HTTP/1.1 server for Prometheus to scrape: `GET /metrics` gets `ServerMetrics`' exposition, any other
/// path 404 and any other method 405. Each answer closes its connection; a scrape every few seconds needs no more.
/// It runs on the hub's event loop, so reading the hub's numbers needs no lock.
struct MetricsEndpoint {
    let channel: any Channel

    var port: Int { channel.localAddress?.port ?? 0 }

    static func start(host: String, port: Int, patience: TimeAmount, hub: ChatHub) async throws -> MetricsEndpoint {
        let channel = try await ServerBootstrap(group: hub.eventLoop)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMapThrowing {
                    try channel.pipeline.syncOperations.addHandler(MetricsRequestHandler(hub: hub, patience: patience))
                }
            }
            .bind(host: host, port: port).get()
        return MetricsEndpoint(channel: channel)
    }

    func stop() async throws {
        try await channel.close()
    }
}

/// Answers one request per connection on the hub's event loop; a connection that has not asked within
/// `patience` is closed, so idle connections cannot pile up.
private final class MetricsRequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let hub: ChatHub
    private let patience: TimeAmount
    private var head: HTTPRequestHead?

    init(hub: ChatHub, patience: TimeAmount) {
        self.hub = hub
        self.patience = patience
    }

    func channelActive(context: ChannelHandlerContext) {
        let channel = context.channel
        context.eventLoop.scheduleTask(in: patience) { channel.close(promise: nil) }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): self.head = head
        case .body: break
        case .end:
            guard let head else { return }
            self.head = nil
            let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
            switch (head.method, path) {
            case (.GET, "/metrics"):
                let body = hub.metrics.render(hub.metricsSnapshot())
                respond(context, .ok, body, type: "text/plain; version=0.0.4; charset=utf-8")
            case (_, "/metrics"):
                respond(context, .methodNotAllowed, Array("Only GET\n".utf8), type: "text/plain")
            default:
                respond(context, .notFound, Array("Not found: try /metrics\n".utf8), type: "text/plain")
            }
        }
    }

    private func respond(_ context: ChannelHandlerContext, _ status: HTTPResponseStatus, _ body: [UInt8], type: String)
    {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: type)
        headers.add(name: "Content-Length", value: String(body.count))
        headers.add(name: "Connection", value: "close")
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}
