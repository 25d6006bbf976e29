/// Lines entered earlier, recalled with the up and down arrows. Browsing keeps the line being typed as a
/// draft, so going back down past the newest entry gives it back.
public struct History: Sendable, Hashable {
    public private(set) var entries: [String] = []
    public let limit: Int
    /// Index into `entries` while browsing; `nil` while editing the draft.
    private var position: Int?
    private var draft = ""

    public init(limit: Int = 500) {
        self.limit = limit
    }

    /// Records a submitted line (not blank lines, nor the same line twice in a row) and stops browsing.
    public mutating func add(_ line: String) {
        position = nil
        draft = ""
        guard !line.allSatisfy(\.isWhitespace), entries.last != line else { return }
        entries.append(line)
        if entries.count > limit { entries.removeFirst(entries.count - limit) }
    }

    /// The entry before the one shown (`current` is what is on the line now), or `nil` at the oldest.
    public mutating func previous(current: String) -> String? {
        let target: Int
        switch position {
        case nil:
            guard !entries.isEmpty else { return nil }
            draft = current
            target = entries.count - 1
        case let index?:
            guard index > 0 else { return nil }
            target = index - 1
        }
        position = target
        return entries[target]
    }

    /// The entry after the one shown, the draft after the newest, or `nil` when not browsing.
    public mutating func next() -> String? {
        guard let index = position else { return nil }
        if index + 1 < entries.count {
            position = index + 1
            return entries[index + 1]
        }
        position = nil
        return draft
    }

    /// Leaves browsing without recording anything (a new prompt starts).
    public mutating func stopBrowsing() {
        position = nil
        draft = ""
    }
}
