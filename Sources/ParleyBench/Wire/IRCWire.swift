import NIOCore

/// IRC as a user speaks it: NICK/USER to register, PRIVMSG to a nick for a direct message, JOIN and PRIVMSG
/// to one channel for a broadcast, PONG to every PING.
struct IRCWire: ChatWire {
    static let channel = "#bench"

    func writeResume(name: [UInt8], token: [UInt8], into buffer: inout ByteBuffer) -> Bool { false }

    func writeLogin(name: [UInt8], password: [UInt8], resumable: Bool, into buffer: inout ByteBuffer) {
        buffer.writeString("NICK ")
        buffer.writeBytes(name)
        buffer.writeString("\r\nUSER ")
        buffer.writeBytes(name)
        buffer.writeString(" 0 * :parley-bench\r\n")
    }

    func writeRegistration(name: [UInt8], password: [UInt8], into buffer: inout ByteBuffer) {}

    func writeJoin(into buffer: inout ByteBuffer) -> Bool {
        buffer.writeString("JOIN \(Self.channel)\r\n")
        return true
    }

    func writeDirectPrefix(to recipient: [UInt8], into buffer: inout ByteBuffer) {
        buffer.writeString("PRIVMSG ")
        buffer.writeBytes(recipient)
        buffer.writeString(" :")
    }

    func writeBroadcastPrefix(into buffer: inout ByteBuffer) {
        buffer.writeString("PRIVMSG \(Self.channel) :")
    }

    func writeMessageSuffix(into buffer: inout ByteBuffer) {
        buffer.writeString("\r\n")
    }

    func writeLogout(into buffer: inout ByteBuffer) {
        buffer.writeString("QUIT :bye\r\n")
    }

    func interpret(_ line: UnsafeRawBufferPointer) -> WireEvent {
        if let stamp = MessageStamp.parse(line) { return .delivery(sender: stamp.sender, sentAt: stamp.sentAt) }
        if hasPrefix(line, "PING") {
            var answer = ByteBuffer(string: "PONG")
            answer.writeBytes(line[4...])
            answer.writeString("\r\n")
            return .answer(answer)
        }
        if hasPrefix(line, "ERROR") { return .failure(line.text) }
        guard let numeric = Self.numeric(line) else { return .ignored }
        switch numeric {
        case 1: return .loggedIn(resumeToken: nil)
        case 366: return .joined
        case 400..<600 where numeric != 422: return .failure(line.text)  // 422: no MOTD, harmless
        default: return .ignored
        }
    }

    /// The reply number of `:server NNN ...`, if the line is a numeric reply.
    private static func numeric(_ line: UnsafeRawBufferPointer) -> Int? {
        guard line.first == UInt8(ascii: ":"), let space = line.firstIndex(of: UInt8(ascii: " ")),
            space + 4 < line.count, line[space + 4] == UInt8(ascii: " ")
        else { return nil }
        var value = 0
        for byte in line[(space + 1)...(space + 3)] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
