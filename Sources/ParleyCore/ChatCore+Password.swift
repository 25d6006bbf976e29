import Foundation
import ParleyProtocol

/// Changing a password (the `password` command): the current password is checked like a login's, and a wrong
/// one counts towards the account's lockout, so a session left open at an unattended terminal cannot be used
/// to guess it; then the new password is hashed and stored, and the reply waits until it is durable.
extension ChatCore {
    mutating func startPasswordChange(
        _ id: RequestID, user: String, on connection: ConnectionID, current: String, new: String, at now: Date
    ) {
        guard CredentialRules.isValidPassword(new) else { return fail(connection, id, .invalidPassword) }
        guard let account = accounts[user] else { return fail(connection, id, .invalidUser) }
        guard !account.lock.isLocked(at: now) else { return fail(connection, id, .passwordChangeLocked) }
        guard connections[connection]?.passwordChange == nil else { return fail(connection, id, .busy) }
        // Each change costs two password hashes; not refunded, so a client cannot keep the hashing threads busy.
        guard allowLoginAttempt(on: connection, username: user, at: now) else {
            return fail(connection, id, .tooManyPasswordChanges)
        }
        connections[connection]?.passwordChange = PasswordChange(request: id, newPassword: new)
        effects.append(.verifyPassword(connection, id, username: user, password: current, hash: account.passwordHash))
    }

    /// Whether `connection` is changing its user's password with request `id`, rather than logging in.
    func isChangingPassword(_ connection: ConnectionID, _ id: RequestID) -> Bool {
        connections[connection]?.passwordChange?.request == id
    }

    mutating func finishPasswordCheck(
        _ connection: ConnectionID, _ id: RequestID, username: String, matches: Bool, at now: Date
    ) {
        guard let change = connections[connection]?.passwordChange, accounts[username] != nil else { return }
        // A wrong password counts even if the user logged out meanwhile, as a login's does.
        let stillWaiting = connections[connection]?.user == username
        guard matches else {
            connections[connection]?.passwordChange = nil
            let lockedNow = recordWrongPassword(
                for: username, on: connection, at: now,
                log: (wrong: "wrong current password", locked: "account locked after wrong current passwords"))
            guard stillWaiting else { return }
            effects.append(.holdUntilDurable(connection))
            return fail(connection, id, lockedNow ? .passwordChangeLocked : .wrongCurrentPassword)
        }
        guard stillWaiting else {
            connections[connection]?.passwordChange = nil
            return
        }
        recordRightPassword(for: username)
        connections[connection]?.passwordChange?.checked = true
        effects.append(.hashPassword(connection, id, username: username, password: change.newPassword))
    }

    mutating func finishPasswordChange(
        _ connection: ConnectionID, _ id: RequestID, username: String, hash: PasswordHash
    ) {
        guard connections[connection]?.passwordChange?.checked == true else { return }
        connections[connection]?.passwordChange = nil
        // A client that logged out meanwhile was never told; its password stays what it believes it is.
        guard connections[connection]?.user == username, let previous = accounts[username]?.passwordHash else {
            return
        }
        accounts[username]?.passwordHash = hash
        persist(.setPasswordHash(name: username, hash: hash, previous: previous))
        effects.append(.log(LogEntry(.notice, "password changed", user: username, connection: connection)))
        effects.append(.holdUntilDurable(connection))
        reply(connection, Reply(id: id))
    }
}

/// A password change under way on a connection: its request, and the new password until it is hashed.
struct PasswordChange: Equatable {
    var request: RequestID
    var newPassword: String
    /// The current password was right; the new one is being hashed.
    var checked = false
}
