import Foundation
import ParleyProtocol
import ParleyTesting
import Testing

/// parleyd serves TLS by default; someone who speaks the protocol to it in plain text (`nc`, or a client run
/// with `--insecure-plaintext`) is told so in plain text, where a TLS library alone would close without a
/// word.
@Suite struct PlaintextToTLSTests {
    @Test(arguments: [#"{"id":1,"op":"hello","version":1}"#, "GET / HTTP/1.1\r"])
    func aPlainTextLineGetsOneReplySayingTLSAndTheConnectionCloses(_ line: String) throws {
        let server = try ServerBinary()
        defer { try? server.stop() }
        #expect(server.fingerprint != nil)
        let socket = try LineSocket(port: server.port)
        try socket.sendRaw(line + "\n")
        let reply = try WireCodec().decodeServerFrame(try socket.readLine())
        #expect(reply == .reply(Reply(id: nil, ok: false, error: ErrorBody(.tlsRequired))))
        #expect(throws: LineSocketFailure.self) { try socket.readLine() }  // closed, nothing more
    }
}
