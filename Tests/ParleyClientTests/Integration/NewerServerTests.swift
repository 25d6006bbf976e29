import Foundation
import NIOCore
import ParleyProtocol
import Testing

@testable import ParleyClient

/// A server that answers `hello` as parleyd does and every other request with the line `answer` makes for
/// its id: a newer server, whose replies this client may not fully understand.
private func withNewerServer(
    answering answer: @escaping @Sendable (Int) -> String, _ body: (_ port: Int) async throws -> Void
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
                                #"{"id":\#(id),"ok":true,"server":"newer","version":1}"#
                            } else {
                                answer(id)
                            }
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

@Suite struct NewerServerTests {
    @Test func anErrorCodeThisClientDoesNotKnowStillShowsTheServersMessage() async throws {
        let answer: @Sendable (Int) -> String = { id in
            #"{"id":\#(id),"ok":false,"error":{"code":"some_new_reason","message":"Error. Something new"}}"#
        }
        try await withNewerServer(answering: answer) { port in
            let client = TestClient(port: port)
            await client.type("dan", "secret")
            try await client.expect("Error. Something new")
            #expect(await client.run.value == .refused)
        }
    }

    @Test func aReplyThisClientCannotReadStillAnswersItsRequest() async throws {
        let answer: @Sendable (Int) -> String = { id in #"{"id":\#(id),"ok":"maybe"}"# }
        try await withNewerServer(answering: answer) { port in
            let client = TestClient(port: port)
            await client.type("dan", "secret")
            try await client.expect(ErrorCode.unrecognized.text())
            #expect(await client.run.value == .refused)
        }
    }
}
