import Foundation

/// Messages waiting for offline users, per recipient, oldest first (SPEC section 4).
///
/// Ids grow with every message, so the order of sending is the order of ids, across restarts too.
struct Mailbox {
    private var waiting: [String: [StoredMessage]] = [:]
    private(set) var count = 0
    private var lastID: Int64 = 0

    init(messages: [StoredMessage] = []) {
        for message in messages.sorted(by: { $0.id < $1.id }) {
            waiting[message.recipient, default: []].append(message)
            lastID = max(lastID, message.id)
        }
        count = messages.count
    }

    /// Stores a new message and returns it with its id.
    mutating func append(sender: String, recipient: String, text: String, at now: Date) -> StoredMessage {
        lastID += 1
        let message = StoredMessage(id: lastID, sender: sender, recipient: recipient, text: text, sent: now)
        waiting[recipient, default: []].append(message)
        count += 1
        return message
    }

    /// How many messages wait for `recipient`.
    func count(for recipient: String) -> Int {
        waiting[recipient]?.count ?? 0
    }

    /// Removes and returns everything waiting for `recipient`, oldest first.
    mutating func takeAll(for recipient: String) -> [StoredMessage] {
        guard let messages = waiting.removeValue(forKey: recipient) else { return [] }
        count -= messages.count
        return messages
    }

    /// Puts `messages`, taken earlier, back in front of whatever waits for `recipient` now.
    mutating func putBack(_ messages: [StoredMessage], for recipient: String) {
        waiting[recipient] = messages + (waiting[recipient] ?? [])
        count += messages.count
    }

    /// Removes the message `id` if it still waits; false if it does not (it was handed out or dropped).
    @discardableResult
    mutating func remove(id: Int64, for recipient: String) -> Bool {
        guard let index = waiting[recipient]?.firstIndex(where: { $0.id == id }) else { return false }
        waiting[recipient]?.remove(at: index)
        count -= 1
        return true
    }
}
