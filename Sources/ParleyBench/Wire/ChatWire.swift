import NIOCore

/// Which protocol the bench speaks to the server under test.
public enum WireKind: String, Codable, Sendable, CaseIterable {
    /// Parley's newline-delimited JSON (docs/PROTOCOL.md).
    case parley
    /// IRC (RFC 2812) as ngircd and InspIRCd speak it.
    case irc
}

/// What one line from the server means to the bench.
enum WireEvent {
    /// A stamped bench message arrived (direct, channel/broadcast or offline).
    case delivery(sender: Int, sentAt: UInt64)
    /// Logged in; Parley's reply carries a resume token when the login asked for one.
    case loggedIn(resumeToken: [UInt8]?)
    /// Parley: the username is new; send the registration.
    case needsRegistration
    /// IRC: the channel join finished (end of NAMES).
    case joined
    /// Parley: a `message` or `broadcast` request was acknowledged; `stored` when it waits for an offline user.
    case acknowledged(stored: Bool)
    /// The server expects an answer now (IRC PING).
    case answer(ByteBuffer)
    case failure(String)
    case ignored
}

/// Builds the requests of one protocol and interprets the server's lines, without decoding them fully:
/// the bench must cost less per message than the servers it measures.
protocol ChatWire: Sendable {
    /// `hello` (Parley; with `resumable`, asking for a resume token) and the login.
    func writeLogin(name: [UInt8], password: [UInt8], resumable: Bool, into buffer: inout ByteBuffer)
    /// `hello` and `resume` with `token`; `false` if the protocol has no such thing (IRC).
    func writeResume(name: [UInt8], token: [UInt8], into buffer: inout ByteBuffer) -> Bool
    func writeRegistration(name: [UInt8], password: [UInt8], into buffer: inout ByteBuffer)
    /// Joins the one channel broadcasts go to; `false` if the protocol needs no join (Parley).
    func writeJoin(into buffer: inout ByteBuffer) -> Bool
    /// A direct message to `recipient`; the caller writes the stamped text between `prefix` and `suffix`.
    func writeDirectPrefix(to recipient: [UInt8], into buffer: inout ByteBuffer)
    func writeBroadcastPrefix(into buffer: inout ByteBuffer)
    func writeMessageSuffix(into buffer: inout ByteBuffer)
    func writeLogout(into buffer: inout ByteBuffer)
    func interpret(_ line: UnsafeRawBufferPointer) -> WireEvent
}

extension WireKind {
    var driver: any ChatWire {
        switch self {
        case .parley: ParleyWire()
        case .irc: IRCWire()
        }
    }
}

extension UnsafeRawBufferPointer {
    /// The line as text, for error messages.
    var text: String { String(decoding: self, as: UTF8.self) }
}
