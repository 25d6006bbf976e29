import Foundation
import NIOCore
import ParleyProtocol
import Testing

@testable import ParleyServerWire

/// The server's request decoder must decide exactly as `WireCodec` does, for good lines and bad.
@Suite struct RequestDecoderTests {
    static let lines = [
        #"{"id":1,"op":"hello","version":1}"#,
        #"{"id":1,"op":"hello","version":1,"client":"parley"}"#,
        #"{"id":1,"op":"hello","version":1,"client":7}"#,
        #"{"id":1,"op":"hello","version":1,"client":null}"#,
        #"{"id":"a-1","op":"login","username":"alice","password":"wonder land"}"#,
        #" { "id" : 5 , "op" : "message" , "to" : "bob" , "text" : "hi" } "#,
        #"{"op":"message","text":"x","to":"bob","id":-12}"#,
        #"{"id":9,"op":"message","to":"bob","text":"quote \" slash \/ back \\ nl \n tab \t uni \u00e9 \ud83c\udf89"}"#,
        #"{"id":9,"op":"message","to":"bob","text":"héllo ✓ 🎉"}"#,
        #"{"id":9,"op":"message","to":"bob","text":"lone \udc00"}"#,
        #"{"id":9,"op":"message","to":"bob","text":"bad \x"}"#,
        #"{"id":9,"op":"message","to":"bob"}"#,
        #"{"id":9,"op":"message","to":"bob","text":5}"#,
        #"{"id":9,"op":"message","to":"bob","text":"a","extra":{"nested":true}}"#,
        #"{"id":9,"op":"message","to":"bob","text":"a","extra":[1,2]}"#,
        #"{"id":9,"op":"message","to":"bob","text":"a","id":10}"#,
        #"{"id":9.5,"op":"ping"}"#,
        #"{"id":1.0,"op":"ping"}"#,
        #"{"id":1e2,"op":"ping"}"#,
        #"{"id":007,"op":"ping"}"#,
        #"{"id":99999999999999999999,"op":"ping"}"#,
        #"{"id":-9223372036854775808,"op":"ping"}"#,
        #"{"id":true,"op":"ping"}"#,
        #"{"id":null,"op":"ping"}"#,
        #"{"op":"ping"}"#,
        #"{"id":1,"op":"broadcast","text":"all"}"#,
        #"{"id":1,"op":"whoelse"}"#,
        #"{"id":1,"op":"whoelsesince","seconds":60}"#,
        #"{"id":1,"op":"startprivate","user":"bob","port":5000}"#,
        #"{"id":1,"op":"answerprivate","user":"bob","accept":true}"#,
        #"{"id":1,"op":"activity"}"#,
        #"{"id":1,"op":"logout"}"#,
        #"{"id":1,"op":"fly"}"#,
        #"{"id":1,"op":"ping"} trailing"#,
        #"{"id":1,"op":"ping",}"#,
        #"{"id":1 "op":"ping"}"#,
        "not json",
        "[1,2]",
        "{}",
        "{\"id\":1,\"op\":\"message\",\"to\":\"b\",\"text\":\"raw\tcontrol\"}",
    ]

    @Test(arguments: lines) func decidesAsTheCodecDoes(_ line: String) {
        let fast = RequestDecoder().decode(ByteBuffer(string: line))
        let reference = WireCodec().decodeRequest(Data(line.utf8))
        #expect(fast == reference, "\(line)")
    }

    @Test func invalidUTF8IsLeftToTheCodec() {
        var bytes = Array(#"{"id":1,"op":"message","to":"b","text":""#.utf8)
        bytes += [0xFF, 0xFE]
        bytes += Array(#""}"#.utf8)
        let fast = RequestDecoder().decode(ByteBuffer(bytes: bytes))
        #expect(fast == WireCodec().decodeRequest(Data(bytes)))
    }
}
