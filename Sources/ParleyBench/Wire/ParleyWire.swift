import NIOCore

/// Parley's JSON lines. Requests use fixed ids per kind (1 hello, 2 login, 3 register, 4 logout, 9 message,
/// 10 broadcast): the protocol lets a client choose them, and fixed ids let replies be recognised by prefix.
struct ParleyWire: ChatWire {
    func writeLogin(name: [UInt8], password: [UInt8], into buffer: inout ByteBuffer) {
        buffer.writeString(#"{"id":1,"op":"hello","version":1,"client":"parley-bench"}"# + "\n")
        buffer.writeString(#"{"id":2,"op":"login","username":""#)
        buffer.writeBytes(name)
        buffer.writeString(#"","password":""#)
        buffer.writeBytes(password)
        buffer.writeString("\"}\n")
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
        if hasPrefix(line, #"{"id":2,"ok":true"#) || hasPrefix(line, #"{"id":3,"ok":true"#) { return .loggedIn }
        if contains(line, #""code":"new_user""#) { return .needsRegistration }
        if contains(line, #""ok":false"#) { return .failure(line.text) }
        return .ignored
    }
}
