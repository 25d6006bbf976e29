import Foundation
import ParleyProtocol

/// Logging in, registering and the lockout after wrong passwords (SPEC section 2).
extension ChatCore {
    mutating func startLogin(
        _ connection: ConnectionID, _ id: RequestID, username: String, password: String, at now: Date
    ) {
        guard CredentialRules.isValidUsername(username) else { return fail(connection, id, .invalidUsername) }
        guard CredentialRules.isValidPassword(password) else { return fail(connection, id, .invalidPassword) }
        guard let account = accounts[username] else {
            if registering[username] != nil { return fail(connection, id, .busy) }
            return fail(connection, id, configuration.registrationEnabled ? .newUser : .invalidUser)
        }
        guard !account.lock.isLocked(at: now) else {
            effects.append(
                .log(LogEntry(.info, "login refused: account locked", user: username, connection: connection)))
            return fail(connection, id, .accountLocked)
        }
        // Whether the user is online already is told only after the password was right: anyone else (a user
        // they blocked, say) must not learn their presence by trying to log in as them.
        guard allowLoginAttempt(on: connection, username: username, at: now) else {
            return fail(connection, id, .tooManyLoginAttempts)
        }
        connections[connection]?.phase = .verifying(username: username)
        effects.append(
            .verifyPassword(connection, id, username: username, password: password, hash: account.passwordHash))
    }

    mutating func finishLogin(
        _ connection: ConnectionID, _ id: RequestID, username: String, passwordMatches: Bool, at now: Date
    ) {
        let stillWaiting = connections[connection]?.phase == .verifying(username: username)
        if stillWaiting { connections[connection]?.phase = .anonymous }
        guard let account = accounts[username] else { return }
        // Another connection locked the account while this password was checked: refused, and not counted.
        if account.lock.isLocked(at: now) {
            if stillWaiting { fail(connection, id, .accountLocked) }
            return
        }
        // A wrong password counts even if the client hung up meanwhile: hanging up must not reset the count.
        guard passwordMatches else {
            let lockedNow = recordWrongPassword(
                for: username, on: connection, at: now,
                log: (wrong: "wrong password", locked: "account locked after failed logins"))
            guard stillWaiting else { return }
            effects.append(.holdUntilDurable(connection))
            return fail(connection, id, lockedNow ? .accountLockedNow : .wrongPassword)
        }
        guard stillWaiting else { return }
        refundLoginAttempt(on: connection, username: username)
        recordRightPassword(for: username)
        guard online[username] == nil else { return fail(connection, id, .alreadyLoggedIn) }
        statistics.logins += 1
        beginSession(connection, id, user: username, at: now)
    }

    mutating func startRegistration(
        _ connection: ConnectionID, _ id: RequestID, username: String, password: String, confirmation: String,
        at now: Date
    ) {
        guard configuration.registrationEnabled else { return fail(connection, id, .invalidUser) }
        guard CredentialRules.isValidUsername(username) else { return fail(connection, id, .invalidUsername) }
        guard CredentialRules.isValidPassword(password) else { return fail(connection, id, .invalidPassword) }
        guard accounts[username] == nil, registering[username] == nil else {
            return fail(connection, id, .usernameTaken)
        }
        guard password == confirmation else { return fail(connection, id, .passwordMismatch) }
        guard allowRegistration(on: connection, at: now) else { return fail(connection, id, .tooManyRegistrations) }
        guard allowLoginAttempt(on: connection, username: username, at: now) else {
            refundRegistration(on: connection)
            return fail(connection, id, .tooManyLoginAttempts)
        }
        registering[username] = connection
        connections[connection]?.phase = .verifying(username: username)
        effects.append(.hashPassword(connection, id, username: username, password: password))
    }

    mutating func finishRegistration(
        _ connection: ConnectionID, _ id: RequestID, username: String, hash: PasswordHash, at now: Date
    ) {
        if registering[username] == connection { registering[username] = nil }
        let stillWaiting = connections[connection]?.phase == .verifying(username: username)
        if stillWaiting { connections[connection]?.phase = .anonymous }
        // The client may have gone; the account is created only for a client still waiting for it.
        guard stillWaiting else { return }
        guard accounts[username] == nil else { return fail(connection, id, .usernameTaken) }
        refundLoginAttempt(on: connection, username: username)
        accounts[username] = Account(record: AccountRecord(name: username, passwordHash: hash))
        persist(.createAccount(name: username, passwordHash: hash, at: now))
        effects.append(.log(LogEntry(.notice, "account registered", user: username, connection: connection)))
        statistics.registrations += 1
        effects.append(.holdUntilDurable(connection))
        beginSession(connection, id, user: username, at: now)
    }

    /// A right password resets `username`'s count of wrong ones, stored if there was one.
    mutating func recordRightPassword(for username: String) {
        guard accounts[username]?.lock.recordSuccess() == true else { return }
        persist(.setLockState(name: username, failedAttempts: 0, lockedUntil: nil))
    }

    /// Counts a wrong password towards `username`'s lock, stores the count and logs it; whether it locked the
    /// account now.
    mutating func recordWrongPassword(
        for username: String, on connection: ConnectionID, at now: Date, log: (wrong: String, locked: String)
    ) -> Bool {
        guard var account = accounts[username] else { return false }
        let lockedNow = account.lock.recordFailure(
            at: now, limit: configuration.maxFailedAttempts, duration: configuration.blockDuration)
        accounts[username] = account
        statistics.wrongPasswords += 1
        if lockedNow { statistics.lockouts += 1 }
        persist(
            .setLockState(
                name: username, failedAttempts: account.lock.failedAttempts, lockedUntil: account.lock.lockedUntil))
        effects.append(
            .log(
                LogEntry(
                    lockedNow ? .notice : .info, lockedNow ? log.locked : log.wrong, user: username,
                    connection: connection)))
        return lockedNow
    }
}
