/// The scenarios `parley-bench` runs.
public enum ScenarioKind: String, Codable, Sendable, CaseIterable {
    /// N clients logged in and holding: time to log them in, memory per connection.
    case idle
    /// N clients sending direct messages to random others, at a fixed rate or as fast as a window allows.
    case dm
    /// N online users, a few of them broadcasting.
    case fanout
    /// M messages queued for an offline user, then delivered when it logs in (Parley only).
    case offline
    /// A storm of logins with real password hashing while other users exchange messages (Parley only).
    case login
}

/// Everything one bench run needs. The command line fills it in; workers of a multi-process run get it whole.
public struct BenchSettings: Codable, Sendable {
    public var scenario: ScenarioKind
    public var wire: WireKind
    public var host = "127.0.0.1"
    public var port: Int
    /// Connect over TLS, as Parley's own clients do by default (Parley only; the certificate is not checked:
    /// the bench measures the server, it does not trust it).
    public var tls = false
    /// The server's process, for CPU time and memory; nil measures neither.
    public var serverPID: Int32?
    /// The server's name in reports ("parley", "ngircd", "inspircd").
    public var label = "server"
    /// The row name in reports; defaults to the scenario (e.g. "dm-50k").
    public var variant: String?
    /// Simulated users in all bench processes together.
    public var clients = 1000
    /// Bench processes to spread the clients over (one process may hold only so many sockets).
    public var processes = 1
    /// This process's number among `processes`.
    public var worker = 0
    /// Usernames are this prefix and the client's number; fresh per run so runs do not collide.
    public var namePrefix = "u"
    /// Messages per second offered by all processes together; 0 means as fast as `window` allows.
    public var rate: Double = 0
    /// Messages each client keeps in flight when `rate` is 0.
    public var window = 4
    /// Broadcasting users in `fanout`, or sending users in `offline`.
    public var senders = 5
    public var warmupSeconds = 2.0
    public var durationSeconds = 10.0
    /// Length of each message's text in bytes.
    public var textLength = 48
    public var password = "benchpass"
    /// Logins in flight at once while connecting clients.
    public var connectConcurrency = 200
    /// `offline`: messages queued for the offline user.
    public var offlineMessages = 100_000
    /// `login`: users logging in at once, and users already online exchanging messages meanwhile.
    public var stormLogins = 200
    /// `login`: the storm's users come back with their resume tokens instead of their passwords.
    public var resume = false
    public var onlineUsers = 100
    /// `idle` on Parley: the accounts exist already (imported with `parleyd --credentials`), so nothing
    /// connects before the memory of the server is first read.
    public var accountsExist = false

    public init(scenario: ScenarioKind, wire: WireKind, port: Int) {
        self.scenario = scenario
        self.wire = wire
        self.port = port
    }

    public var variantName: String { variant ?? scenario.rawValue }

    /// The global client numbers this worker runs.
    var localClients: Range<Int> {
        let lower = clients * worker / processes
        let upper = clients * (worker + 1) / processes
        return lower..<upper
    }
}
