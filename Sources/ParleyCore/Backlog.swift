/// The messages that waited for a user, as delivered at login on one connection, while the client has yet to
/// confirm them (`hello` with `receipts`, then `received`). Until confirmed they stay in the store, and a
/// session that ends first puts them back in the mailbox, so a connection lost while they were on their way
/// loses none of them: they come again at the next login.
struct Backlog {
    /// How many were delivered at this login.
    let size: Int
    /// Those not confirmed yet, oldest first: always the last ones delivered.
    private(set) var unconfirmed: [StoredMessage]

    init(delivered messages: [StoredMessage]) {
        size = messages.count
        unconfirmed = messages
    }

    /// The client has the first `count` of them: returns those not confirmed before.
    mutating func confirm(_ count: Int) -> ArraySlice<StoredMessage> {
        let alreadyConfirmed = size - unconfirmed.count
        guard count > alreadyConfirmed else { return [] }
        let confirmed = unconfirmed.prefix(count - alreadyConfirmed)
        unconfirmed.removeFirst(confirmed.count)
        return confirmed
    }
}
