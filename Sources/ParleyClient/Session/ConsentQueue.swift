/// Consent requests waiting for this user's answer, oldest first, so a bare `y` or `n` answers the oldest
/// and requests from several users at once can each be answered.
struct ConsentQueue: Sendable, Hashable {
    private(set) var requesters: [String] = []

    mutating func add(_ user: String) {
        if !requesters.contains(user) { requesters.append(user) }
    }

    /// Removes `user`'s request; `false` if there was none.
    @discardableResult
    mutating func remove(_ user: String) -> Bool {
        guard let index = requesters.firstIndex(of: user) else { return false }
        requesters.remove(at: index)
        return true
    }

    mutating func takeOldest() -> String? {
        requesters.isEmpty ? nil : requesters.removeFirst()
    }
}
