import Foundation
import ParleyProtocol

/// How arriving messages, presence and the end of a private session are shown (SPEC sections 3 and 5).
/// Pure functions of their inputs (the clock and calendar are passed in) so every format is unit-tested.
/// Text from other people passes through `DisplayText.safe` on its way to the screen.
public enum MessageRendering {
    public static func line(for message: DeliveredMessage, now: Date, calendar: Calendar) -> String {
        let from = DisplayText.safe(message.from)
        let text = DisplayText.safe(message.text)
        switch message.kind {
        case .direct: return Texts.directMessage(from: from, text: text)
        case .broadcast: return Texts.broadcastMessage(from: from, text: text)
        case .offline:
            let time = sentTime(message.sent ?? now, now: now, calendar: calendar)
            return Texts.offlineMessage(from: from, time: time, text: text)
        }
    }

    /// Text that came over a direct session.
    public static func privateLine(from peer: String, text: String) -> String {
        Texts.privateMessage(from: DisplayText.safe(peer), text: DisplayText.safe(text))
    }

    /// Local `HH:MM` for a message sent today, `YYYY-MM-DD HH:MM` otherwise.
    public static func sentTime(_ sent: Date, now: Date, calendar: Calendar) -> String {
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: sent)
        let time = String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
        guard !calendar.isDate(sent, inSameDayAs: now) else { return time }
        return String(format: "%04d-%02d-%02d ", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0) + time
    }

    public static func presence(user: String, online: Bool) -> String {
        online ? Texts.loggedIn(user) : Texts.loggedOut(user)
    }

    /// The notice when the session with `peer` ends. `nil` means the direct connection was lost without a word.
    public static func privateEnded(peer: String, reason: PrivateEndReason?) -> String {
        switch reason {
        case .logout?, .timeout?, .disconnect?: Texts.privatePeerLoggedOut(peer)
        case .stopped?, .blocked?, .expired?, nil: Texts.privateEnded(peer)
        }
    }
}
