import Foundation
import ParleyProtocol

/// `message`, `broadcast` and the delivery of waiting messages (SPEC sections 3 and 4).
extension ChatCore {
    mutating func sendMessage(
        _ id: RequestID, from user: String, on connection: ConnectionID, to recipient: String, text: String,
        at now: Date
    ) {
        guard accounts[recipient] != nil else { return fail(connection, id, .invalidUser) }
        guard recipient != user else { return fail(connection, id, .cannotMessageSelf) }
        guard !hasBlocked(recipient, user) else { return fail(connection, id, .blockedByRecipient) }
        if let problem = CredentialRules.messageTextProblem(text) { return fail(connection, id, problem) }
        if let recipientConnection = online[recipient], connections[recipientConnection]?.isClosing != true {
            effects.append(
                .send(recipientConnection, .event(.message(DeliveredMessage(from: user, text: text, kind: .direct)))))
            statistics.directMessages += 1
            return reply(connection, Reply(id: id, stored: false))
        }
        if let limit = configuration.maxWaitingMessages {
            guard mailbox.count(for: recipient) < limit else {
                return fail(connection, id, .mailboxFull, subject: recipient)
            }
            guard mailbox.count(from: user) < limit else { return fail(connection, id, .tooManyWaiting) }
        }
        if let limit = configuration.maxWaitingBytes, mailbox.bytes + Mailbox.size(of: text) > limit {
            return fail(connection, id, .waitingStorageFull)
        }
        let message = mailbox.append(sender: user, recipient: recipient, text: text, at: now)
        persist(.enqueue(message))
        statistics.storedMessages += 1
        effects.append(.holdUntilDurable(connection))
        reply(connection, Reply(id: id, stored: true))
    }

    mutating func broadcast(
        _ id: RequestID, from user: String, on connection: ConnectionID, text: String, at now: Date
    ) {
        if let problem = CredentialRules.messageTextProblem(text) { return fail(connection, id, problem) }
        let event = ServerFrame.event(.message(DeliveredMessage(from: user, text: text, kind: .broadcast)))
        var skipped = false
        var recipients: [ConnectionID] = []
        recipients.reserveCapacity(online.count)
        let blockers = blockers(of: user)
        for (other, otherConnection) in online where other != user {
            if !blockers.isEmpty, blockers.contains(other) {
                skipped = true
            } else {
                recipients.append(otherConnection)
            }
        }
        if !recipients.isEmpty { effects.append(.sendToEach(recipients, event)) }
        statistics.broadcasts += 1
        statistics.broadcastDeliveries += recipients.count
        chargeExtra(recipients.count, per: 100, on: connection, at: now)
        reply(connection, Reply(id: id, partial: skipped))
    }

    /// Sends the messages that waited for the user. They leave the store now, or, for a client that sends
    /// receipts, once it confirms them (`confirmWaiting`); until then a lost connection puts them back.
    mutating func deliverWaiting(_ messages: [StoredMessage], to connection: ConnectionID) {
        guard !messages.isEmpty else { return }
        for message in messages {
            let delivered = DeliveredMessage(
                from: message.sender, text: message.text, kind: .offline, sent: message.sent)
            effects.append(.send(connection, .event(.message(delivered))))
        }
        if connections[connection]?.sendsReceipts == true {
            backlogs[connection] = Backlog(delivered: messages)
        } else {
            persist(.dequeue(ids: messages.map(\.id)))
        }
        statistics.waitingMessagesDelivered += messages.count
    }

    /// `received`: the first `count` messages of this login's backlog have arrived; they leave the store.
    mutating func confirmWaiting(_ id: RequestID, count: Int, on connection: ConnectionID) {
        guard connections[connection]?.sendsReceipts == true, (0...(backlogs[connection]?.size ?? 0)).contains(count)
        else { return fail(connection, id, .invalidArguments) }
        if let confirmed = backlogs[connection]?.confirm(count), !confirmed.isEmpty {
            persist(.dequeue(ids: confirmed.map(\.id)))
        }
        reply(connection, Reply(id: id))
    }

    /// What the user's client has not confirmed goes back to wait for the next login, ahead of anything newer.
    mutating func returnUnconfirmed(on connection: ConnectionID, user: String) {
        guard let unconfirmed = backlogs.removeValue(forKey: connection)?.unconfirmed, !unconfirmed.isEmpty
        else { return }
        mailbox.putBack(unconfirmed, for: user)
    }
}
