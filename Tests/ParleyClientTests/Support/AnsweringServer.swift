import Foundation
import NIOCore
import ParleyProtocol
import Testing

@testable import ParleyClient

/// A server that answers `hello` as parleyd does and every other request with the line(s) `answer` makes
/// for its id and request (several lines, separated by newlines, to push events after the reply; none for an
/// empty answer): a server that is not parleyd, newer, hostile or silent.
func withAnsweringServer(
    _ answer: @escaping @Sendable (Int, Request) -> String, _ body: (_ port: Int) async throws -> Void
) async throws {
    let listener = try await LineTransport.listen(host: "127.0.0.1", port: 0)
    let port = try #require(listener.channel.localAddress?.port)
    let serving = Task {
        try await listener.executeThenClose { connections in
            for try await connection in connections {
                try await connection.executeThenClose { inbound, outbound in
                    for try await line in inbound {
                        guard case .success(let request) = WireCodec().decodeRequest(Array(line.readableBytesView)),
                            case .number(let id) = request.id
                        else { continue }
                        let reply =
                            if case .hello = request.command {
                                #"{"id":\#(id),"ok":true,"server":"answering","version":1}"#
                            } else {
                                answer(id, request)
                            }
                        guard !reply.isEmpty else { continue }  // no answer at all
                        try await outbound.write(ByteBuffer(string: reply + "\n"))
                    }
                }
            }
        }
    }
    defer { serving.cancel() }
    try await body(port)
    try await listener.channel.close()
}

/// `frames` as an answer for `withAnsweringServer`: each as parleyd writes it, one per line.
func wireLines(_ frames: ServerFrame...) -> String {
    let codec = WireCodec()
    return frames.map { String(decoding: codec.line($0).dropLast(), as: UTF8.self) }.joined(separator: "\n")
}
