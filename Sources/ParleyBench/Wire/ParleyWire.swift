import NIOCore

/// Parley's JSON lines. Requests use fixed ids per kind (1 hello, 2 login, 3 register, 4 logout, 9 message,
/// 10 broadcast): the protocol lets a client choose them, and fixed ids let replies be recognised by prefix.
struct ParleyWire: ChatWire {
    func writeLogin(name: [UInt8], password: [UInt8], resumable: Bool, into buffer: inout ByteBuffer) {
        writeHello(resumable: resumable, into: &buffer)
        writeLogin(op: "login", name: name, secretField: "password", secret: password, into: &buffer)
    }

    /// Answered as a login is (the same id), so `interpret` needs no case of its own.
    func writeResume(name: [UInt8], token: [UInt8], into buffer: inout ByteBuffer) -> Bool {
        writeHello(resumable: true, into: &buffer)
        writeLogin(op: "resume", name: name, secretField: "token", secret: token, into: &buffer)
        return true
    }

    /// A `login` or `resume` (id 2): the username and what proves it.
    private func writeLogin(
        op: String, name: [UInt8], secretField: String, secret: [UInt8], into buffer: inout ByteBuffer
    ) {
        buffer.writeString(#"{"id":2,"op":""# + op + #"","username":""#)
        buffer.writeBytes(name)
        buffer.writeString(#"",""# + secretField + #"":""#)
        buffer.writeBytes(secret)
        buffer.writeString("\"}\n")
    }

    private func writeHello(resumable: Bool, into buffer: inout ByteBuffer) {
        buffer.writeString(
            resumable
                ? #"{"id":1,"op":"hello","version":1,"client":"parley-bench","resumable":true}"# + "\n"
                : #"{"id":1,"op":"hello","version":1,"client":"parley-bench"}"# + "\n")
    }

    func writeRegistration(name: [UInt8], password: [UInt8], into buffer: inout ByteBuffer) {
        buffer.writeString(#"{"id":3,"op":"register","username":""#)
        buffer.writeBytes(name)
        buffer.writeString(#"","password":""#)
        buffer.writeBytes(password)
        buffer.writeString(#"","confirmation":""#)
        buffer.writeBytes(password)
        buffer.writeString("\"}\n")
    }

    func writeJoin(into buffer: inout ByteBuffer) -> Bool { false }

    func writeDirectPrefix(to recipient: [UInt8], into buffer: inout ByteBuffer) {
        buffer.writeString(#"{"id":9,"op":"message","to":""#)
        buffer.writeBytes(recipient)
        buffer.writeString(#"","text":""#)
    }

    func writeBroadcastPrefix(into buffer: inout ByteBuffer) {
        buffer.writeString(#"{"id":10,"op":"broadcast","text":""#)
    }

    func writeMessageSuffix(into buffer: inout ByteBuffer) {
        buffer.writeString("\"}\n")
    }

    func writeLogout(into buffer: inout ByteBuffer) {
        buffer.writeString(#"{"id":4,"op":"logout"}"# + "\n")
    }

    func interpret(_ line: UnsafeRawBufferPointer) -> WireEvent {
        if hasPrefix(line, #"{"event":"#) {
            if let stamp = MessageStamp.parse(line) { return .delivery(sender: stamp.sender, sentAt: stamp.sentAt) }
            return .ignored  // presence and the like
        }
        if hasPrefix(line, #"{"id":9,"ok":true,"stored":"#) || hasPrefix(line, #"{"id":10,"ok":true"#) {
            return .acknowledged(stored: contains(line, #""stored":true"#))
        }
        if hasPrefix(line, #"{"id":2,"ok":true"#) || hasPrefix(line, #"{"id":3,"ok":true"#) {
            return .loggedIn(resumeToken: Self.resumeToken(in: line))
        }
        if contains(line, #""code":"new_user""#) { return .needsRegistration }
        if contains(line, #""ok":false"#) { return .failure(line.text) }
        return .ignored
    }

    /// The value of `"resume":"..."` in a login reply (hex digits, never escaped), if there is one.
    private static func resumeToken(in line: UnsafeRawBufferPointer) -> [UInt8]? {
        let key = Array(#""resume":""#.utf8)
        guard line.count > key.count else { return nil }
        for start in 0...(line.count - key.count) where line[start] == key[0] {
            guard zip(line[start..<(start + key.count)], key).allSatisfy({ $0 == $1 }) else { continue }
            let value = line[(start + key.count)...].prefix { $0 != UInt8(ascii: "\"") }
            return Array(value)
        }
        return nil
    }
}
