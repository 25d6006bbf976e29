import Foundation
import ParleyProtocol
import Testing

/// A client that sends its requests and closes its side (a script piping into `nc -N`) still reads: it gets
/// every answer, in order, and then the server closes. Requests sent without waiting for a login's answer wait
/// for it.
@Suite struct HalfCloseTests {
    @Test func aScriptThatClosesItsSideGetsEveryAnswerAndItsRequestsAreCarriedOut() async throws {
        try await withServer { server in
            let dave = try await server.login("dave")
            let erin = try await server.login("erin", password: "pw")
            try await erin.ok(.logout)
            #expect(try await dave.nextEvent() == .presence(user: "erin", online: true))
            #expect(try await dave.nextEvent() == .presence(user: "erin", online: false))

            let script = try RawSocket(port: server.port)
            defer { script.close() }
            try script.send(
                """
                {"id":1,"op":"hello","version":1}
                {"id":2,"op":"login","username":"erin","password":"pw"}
                {"id":3,"op":"message","to":"dave","text":"from a script"}
                {"id":4,"op":"whoelse"}
                {"id":5,"op":"hello","version":1}
                {"id":6,"op":"logout"}

                """)
            script.finishSending()
            let lines = try script.readUntilClosed()
            #expect(lines.count == 6)
            let okIDs = [1, 2, 3, 4, 6]
            #expect(okIDs.allSatisfy { id in lines.contains { $0.hasPrefix(#"{"id":\#(id),"ok":true"#) } })
            #expect(zip(lines, 1...6).allSatisfy { line, id in line.contains(#""id":\#(id),"#) }, "in order")
            #expect(lines[3].contains(#""users":["dave"]"#))
            #expect(lines[4].contains(#""code":"invalid_command""#))
            #expect(try await dave.nextEvent() == .presence(user: "erin", online: true))
            guard case .message(let message) = try await dave.nextEvent() else {
                Issue.record("dave got no message")
                return
            }
            #expect(message.from == "erin" && message.text == "from a script")
            #expect(try await dave.nextEvent() == .presence(user: "erin", online: false))
        }
    }

    @Test func aLastRequestWithoutItsNewlineIsAnsweredToo() async throws {
        try await withServer { server in
            let script = try RawSocket(port: server.port)
            defer { script.close() }
            try script.send(#"{"id":"a","op":"hello","version":1}"# + "\n" + #"{"id":"b","op":"ping"}"#)
            script.finishSending()
            let lines = try script.readUntilClosed()
            #expect(lines == [#"{"id":"a","ok":true,"server":"parleyd","version":1}"#, #"{"id":"b","ok":true}"#])
        }
    }
}
