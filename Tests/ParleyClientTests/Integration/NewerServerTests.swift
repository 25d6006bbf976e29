import Foundation
import NIOCore
import ParleyProtocol
import Testing

@testable import ParleyClient

/// A newer server, whose replies this client may not fully understand.
@Suite struct NewerServerTests {
    @Test func anErrorCodeThisClientDoesNotKnowStillShowsTheServersMessage() async throws {
        let answer: @Sendable (Int, Request) -> String = { id, _ in
            #"{"id":\#(id),"ok":false,"error":{"code":"some_new_reason","message":"Error. Something new"}}"#
        }
        try await withAnsweringServer(answer) { port in
            let client = TestClient(port: port)
            await client.type("dan", "secret")
            try await client.expect("Error. Something new")
            #expect(await client.run.value == .refused)
        }
    }

    @Test func aReplyThisClientCannotReadStillAnswersItsRequest() async throws {
        let answer: @Sendable (Int, Request) -> String = { id, _ in #"{"id":\#(id),"ok":"maybe"}"# }
        try await withAnsweringServer(answer) { port in
            let client = TestClient(port: port)
            await client.type("dan", "secret")
            try await client.expect(ErrorCode.unrecognized.text())
            #expect(await client.run.value == .refused)
        }
    }
}
