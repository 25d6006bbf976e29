import Foundation

/// Messages waiting for offline users, per recipient, oldest first (SPEC section 4).
///
/// Ids grow with every message, so the order of sending is the order of ids, across restarts too.
/// It also keeps what the limits on waiting messages need: how much memory they take, and how many each sender
/// has waiting.
struct Mailbox {
    private var waiting: [String: [StoredMessage]] = [:]
    private(set) var count = 0
    /// Bytes the waiting messages take in memory, about: their text and `waitingMessageOverhead` each.
    private(set) var bytes = 0
    private var fromSender: [String: Int] = [:]
    private var lastID: Int64 = 0

    init(messages: [StoredMessage] = []) {
        for message in messages.sorted(by: { $0.id < $1.id }) {
            waiting[message.recipient, default: []].append(message)
            lastID = max(lastID, message.id)
            tally(message)
        }
    }

    /// Stores a new message and returns it with its id.
    mutating func append(sender: String, recipient: String, text: String, at now: Date) -> StoredMessage {
        lastID += 1
        let message = StoredMessage(id: lastID, sender: sender, recipient: recipient, text: text, sent: now)
        waiting[recipient, default: []].append(message)
        tally(message)
        return message
    }

    /// How many messages `sender` has waiting for offline users.
    func count(from sender: String) -> Int {
        fromSender[sender] ?? 0
    }

    /// What `text` would add to `bytes`.
    static func size(of text: String) -> Int { text.utf8.count + CoreConfiguration.waitingMessageOverhead }

    /// Counts `message` in (`count`, `bytes`, its sender's) as it starts to wait, or out as it stops.
    private mutating func tally(_ message: StoredMessage) {
        count += 1
        bytes += Self.size(of: message.text)
        fromSender[message.sender, default: 0] += 1
    }

    private mutating func untally(_ message: StoredMessage) {
        count -= 1
        bytes -= Self.size(of: message.text)
        if let left = fromSender[message.sender], left > 1 {
            fromSender[message.sender] = left - 1
        } else {
            fromSender[message.sender] = nil
        }
    }

    /// How many messages wait for `recipient`.
    func count(for recipient: String) -> Int {
        waiting[recipient]?.count ?? 0
    }

    /// Removes and returns everything waiting for `recipient`, oldest first.
    mutating func takeAll(for recipient: String) -> [StoredMessage] {
        guard let messages = waiting.removeValue(forKey: recipient) else { return [] }
        for message in messages { untally(message) }
        return messages
    }

    /// Puts `messages`, taken earlier, back in front of whatever waits for `recipient` now.
    mutating func putBack(_ messages: [StoredMessage], for recipient: String) {
        waiting[recipient] = messages + (waiting[recipient] ?? [])
        for message in messages { tally(message) }
    }

    /// Removes the message `id` if it still waits; false if it does not (it was handed out or dropped).
    @discardableResult
    mutating func remove(id: Int64, for recipient: String) -> Bool {
        guard let index = waiting[recipient]?.firstIndex(where: { $0.id == id }),
            let message = waiting[recipient]?.remove(at: index)
        else { return false }
        untally(message)
        return true
    }
}
