import Foundation
import ParleyProtocol

/// Limits that keep one client from hurting the others: how many connections may wait to log in and for
/// how long, how fast one connection may send requests, how fast logins may be tried per address and
/// per account (on top of the SPEC's lockout, which protects one account from guessing), and how many
/// accounts one address may create.
extension ChatCore {
    /// Accepts a new connection unless too many are already waiting to log in.
    mutating func admit(_ connection: ConnectionID, from address: String, at now: Date) {
        var state = Connection(address: address)
        if let limit = configuration.commandRate { state.commandBucket = TokenBucket(limit: limit, now: now) }
        connections[connection] = state
        guard unauthenticated.count < configuration.maxUnauthenticatedConnections else {
            effects.append(
                .log(LogEntry(.warning, "too many connections waiting to log in; refusing", connection: connection)))
            effects.append(.send(connection, .event(.loggedOut(reason: .serverFull))))
            return close(connection)
        }
        unauthenticated.insert(connection)
        if let deadline = configuration.loginDeadline {
            effects.append(.schedule(.login(connection), at: now.addingTimeInterval(deadline)))
        }
    }

    /// What becomes of a request, given how fast its connection sends.
    enum RequestAdmission {
        case allowed
        /// Answered `rate_limited`.
        case refused
        /// Refused, and the connection is closed: it went on sending at full speed after more refusals than
        /// its burst, which only a flood does (200 in a row at the defaults, about 20,000 requests a second).
        /// Answering such a flood would take the event loop from everyone else (SPEC section 4).
        case floodedOut
    }

    /// Takes a token from the connection's request bucket.
    mutating func admitRequest(on connection: ConnectionID, at now: Date) -> RequestAdmission {
        guard let limit = configuration.commandRate, var bucket = connections[connection]?.commandBucket else {
            return .allowed
        }
        let allowed = bucket.take(limit, at: now)
        connections[connection]?.commandBucket = bucket
        if allowed { return .allowed }
        return Double(bucket.refusedInARow) > limit.burst ? .floodedOut : .refused
    }

    /// Closes a connection that floods the server with requests, logging its user out as a lost connection does.
    mutating func disconnectFlooder(_ connection: ConnectionID, at now: Date) {
        let user = connections[connection]?.user
        effects.append(
            .log(
                LogEntry(
                    .warning, "requests far too fast after being told; disconnecting", user: user,
                    connection: connection)))
        effects.append(.send(connection, .event(.loggedOut(reason: .tooFast))))
        endSession(on: connection, reason: .disconnect, at: now)
        close(connection)
    }

    /// Charges the connection's request bucket one more request per `unit` of `count`, for a request whose
    /// work grows with the server: a `users` list (one per 1,000 names; listing 100,000 takes the event loop
    /// 15-20 ms) or a broadcast (one per 100 recipients; 10,000 take about 45 ms). Everyone else waits
    /// through that work, so at the default rate one connection may cause about 5 % of it, not all of it.
    mutating func chargeExtra(_ count: Int, per unit: Int, on connection: ConnectionID, at now: Date) {
        guard count >= unit, let limit = configuration.commandRate else { return }
        connections[connection]?.commandBucket?.charge(Double(count / unit), limit, at: now)
    }

    /// Whether a login or registration attempt from this connection for `username` may go ahead. Each attempt
    /// takes a token from its address and its account; a successful one gives them back
    /// (`refundLoginAttempt`), so only failures, and attempts abandoned midway, count.
    mutating func allowLoginAttempt(on connection: ConnectionID, username: String, at now: Date) -> Bool {
        let address = connections[connection]?.address ?? ""
        if loginsByAddress?.allow(address, at: now) == false {
            effects.append(
                .log(LogEntry(.notice, "login attempts from one address rate-limited", connection: connection)))
            return false
        }
        if accounts[username] != nil, loginsByAccount?.allow(username, at: now) == false {
            effects.append(
                .log(
                    LogEntry(
                        .notice, "login attempts for one account rate-limited", user: username, connection: connection))
            )
            return false
        }
        return true
    }

    mutating func refundLoginAttempt(on connection: ConnectionID, username: String) {
        if let address = connections[connection]?.address { loginsByAddress?.refund(address) }
        loginsByAccount?.refund(username)
    }

    /// Whether this connection's address may create another account. Each registration that gets as far as
    /// hashing its password takes a token, whether or not its client waits for the result.
    mutating func allowRegistration(on connection: ConnectionID, at now: Date) -> Bool {
        let address = connections[connection]?.address ?? ""
        guard registrationsByAddress?.allow(address, at: now) != false else {
            effects.append(
                .log(LogEntry(.notice, "registrations from one address rate-limited", connection: connection)))
            return false
        }
        return true
    }

    mutating func refundRegistration(on connection: ConnectionID) {
        if let address = connections[connection]?.address { registrationsByAddress?.refund(address) }
    }

    /// A connection that never logged in is closed when its deadline passes.
    mutating func loginDeadlinePassed(_ connection: ConnectionID) {
        guard unauthenticated.contains(connection), connections[connection]?.user == nil else { return }
        effects.append(.send(connection, .event(.loggedOut(reason: .loginTimeout))))
        close(connection)
    }
}
