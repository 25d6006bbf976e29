import Foundation
import ParleyProtocol
import Testing

@Suite struct WireCodecTests {
    let codec = WireCodec()

    private func roundTrip(_ request: Request) throws -> Request {
        try codec.decodeRequest(codec.line(request).dropLast()).get()
    }

    @Test(arguments: [
        Command.hello(version: 1, client: "parley"), .login(username: "a", password: "b"),
        .register(username: "a", password: "b", confirmation: "c"), .message(to: "bob", text: "hi \"there\" ✓"),
        .broadcast(text: "all"), .whoelse, .whoelsesince(seconds: 30), .block(user: "x"), .unblock(user: "x"),
        .startPrivate(user: "x", port: 4242), .answerPrivate(user: "x", accept: false), .stopPrivate(user: "x"),
        .activity, .ping, .logout,
    ])
    func everyCommandRoundTrips(_ command: Command) throws {
        let request = Request(id: .number(7), command: command)
        #expect(try roundTrip(request) == request)
    }

    @Test func idsMayBeStrings() throws {
        let request = Request(id: .string("abc"), command: .whoelse)
        #expect(try roundTrip(request) == request)
    }

    @Test func aRequestTypedByHandDecodes() throws {
        let line = #"{"id":4,"op":"message","to":"bob","text":"hello"}"#
        #expect(
            try codec.decodeRequest(Data(line.utf8)).get()
                == Request(id: .number(4), command: .message(to: "bob", text: "hello")))
    }

    @Test func brokenRequestsSayWhyAndKeepTheirID() {
        guard case .failure(let missing) = codec.decodeRequest(Data(#"{"id":3,"op":"message","to":"bob"}"#.utf8)) else {
            Issue.record("expected a failure")
            return
        }
        #expect(missing.id == .number(3))
        #expect(missing.code == .malformedRequest)
        #expect(missing.reply.error?.message == "Error. Malformed request: missing field text")

        guard case .failure(let unknown) = codec.decodeRequest(Data(#"{"id":"q","op":"fly"}"#.utf8)) else {
            Issue.record("expected a failure")
            return
        }
        #expect(unknown.id == .string("q"))
        #expect(unknown.reply.error == ErrorBody(.invalidCommand))

        guard case .failure(let garbage) = codec.decodeRequest(Data("{{{".utf8)) else {
            Issue.record("expected a failure")
            return
        }
        #expect(garbage.id == nil)
        #expect(garbage.detail == "not valid JSON")
    }

    @Test func numbersThatAreNotWholeNamesTheirFieldAndJSONThatIsNoObjectSaysSo() {
        func detail(_ line: String) -> String? {
            guard case .failure(let failure) = codec.decodeRequest(Data(line.utf8)) else { return nil }
            return failure.detail
        }
        for seconds in ["1.5", "1.5e0", "9223372036854775808", "-0.25"] {
            #expect(detail(#"{"id":1,"op":"whoelsesince","seconds":\#(seconds)}"#) == "wrong type for seconds")
        }
        #expect(detail(#"{"id":1,"op":"received","count":0.5}"#) == "wrong type for count")
        for line in ["[1,2]", #""text""#, "42", "null"] {
            #expect(detail(line) == "not a JSON object", "\(line)")
        }
    }

    @Test func repliesAndEventsDecodeOnTheClientSide() throws {
        let reply = Reply(id: .number(1), users: ["a", "b"])
        #expect(try codec.decodeServerFrame(codec.line(reply)) == .reply(reply))
        let events: [ServerEvent] = [
            .message(
                DeliveredMessage(from: "a", text: "t", kind: .offline, sent: Date(timeIntervalSince1970: 1_700_000_000))
            ),
            .presence(user: "a", online: true), .privateRequest(from: "a"),
            .privateRequestClosed(from: "a", reason: .expired), .privateExpired(user: "a"), .privateDeclined(user: "a"),
            .privateReady(PrivateGrant(user: "a", host: "10.0.0.1", port: 9, token: "t", role: .connect)),
            .privateEnded(user: "a", reason: .blocked), .loggedOut(reason: .inactivity),
        ]
        for event in events {
            #expect(try codec.decodeServerFrame(codec.line(event)) == .event(event))
        }
    }

    @Test func eventsCarryNoIDAndLinesEndWithOneNewline() {
        let line = String(decoding: codec.line(ServerEvent.presence(user: "bob", online: false)), as: UTF8.self)
        #expect(line == #"{"event":"presence","online":false,"user":"bob"}"# + "\n")
    }
}
