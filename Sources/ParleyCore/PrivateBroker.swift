import Foundation

/// The server's half of private sessions: consent requests waiting for an answer, and the pairs of users
/// whose direct session is active. The private text itself never passes through the server.
struct PrivateBroker {
    struct PendingRequest: Equatable {
        var from: String
        var to: String
        /// Where the requester listens for the peer, as the server sees it.
        var address: String
        var port: Int
        /// The requester's public key for the end-to-end encrypted session, passed on to the answerer.
        var key: String?
        var expires: Date
    }

    /// An unordered pair of users.
    struct Pair: Hashable {
        let first: String
        let second: String
        init(_ a: String, _ b: String) {
            (first, second) = a < b ? (a, b) : (b, a)
        }
        func other(than user: String) -> String { first == user ? second : first }
    }

    private(set) var pending: [Pair: PendingRequest] = [:]
    private(set) var active: Set<Pair> = []

    func isActive(_ a: String, _ b: String) -> Bool { active.contains(Pair(a, b)) }
    func pendingRequest(between a: String, and b: String) -> PendingRequest? { pending[Pair(a, b)] }

    mutating func addRequest(_ request: PendingRequest) { pending[Pair(request.from, request.to)] = request }

    @discardableResult
    mutating func removeRequest(between a: String, and b: String) -> PendingRequest? {
        pending.removeValue(forKey: Pair(a, b))
    }

    mutating func activate(_ a: String, _ b: String) { active.insert(Pair(a, b)) }

    @discardableResult
    mutating func deactivate(_ a: String, _ b: String) -> Bool { active.remove(Pair(a, b)) != nil }

    /// Active peers of `user`, sorted for deterministic effects.
    func activePeers(of user: String) -> [String] {
        active.filter { $0.first == user || $0.second == user }.map { $0.other(than: user) }.sorted()
    }

    /// Requests that `user` made or received.
    func requests(involving user: String) -> [PendingRequest] {
        pending.values.filter { $0.from == user || $0.to == user }.sorted { ($0.from, $0.to) < ($1.from, $1.to) }
    }
}
