import ParleyProtocol

/// The messages that waited for the user, as they arrive after login. The prompt waits until all that the
/// login reply announced have come, and the server, which keeps them until told, is told how many have been
/// shown (`received`): every `receiptEvery` in a long backlog and the rest at its end, so that a connection
/// lost meanwhile brings again, at the next login, only those not confirmed.
struct WaitingMessages {
    static let receiptEvery = 100

    /// Announced by the login reply and not yet arrived.
    private(set) var due = 0
    private var shown = 0
    private var confirmed = 0

    mutating func announced(_ count: Int) {
        due = count
    }

    /// Notes that `frame` came from the server; true if it is one of the waiting messages. Anything else
    /// ends the backlog, as the server sends the backlog before anything else.
    mutating func arrived(_ frame: ServerFrame) -> Bool {
        guard due > 0 else { return false }
        guard case .event(.message(let message)) = frame, message.kind == .offline else {
            due = 0
            return false
        }
        due -= 1
        return true
    }

    /// One of them has been shown to the user.
    mutating func shownOne() {
        shown += 1
    }

    /// The `count` to confirm with `received` now, if it is time to (and then it counts as confirmed).
    mutating func receiptDue() -> Int? {
        let unconfirmed = shown - confirmed
        guard unconfirmed >= Self.receiptEvery || (due == 0 && unconfirmed > 0) else { return nil }
        confirmed = shown
        return shown
    }
}
