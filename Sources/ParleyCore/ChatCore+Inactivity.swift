import Foundation

/// The inactivity timeout (SPEC section 4) and the dispatch of timers.
///
/// A user's timer is not rescheduled on every command: each command only records the time, and when the
/// timer fires the core either logs the user out or sets it again for the remaining time. One timer per
/// session, no polling.
extension ChatCore {
    mutating func timerFired(_ key: TimerKey, at now: Date) {
        switch key {
        case .inactivity(let connection):
            inactivityTimerFired(connection, at: now)
        case .privateRequest(let from, let to):
            privateRequestTimerFired(from: from, to: to, at: now)
        case .login(let connection):
            loginDeadlinePassed(connection)
        }
    }

    private mutating func inactivityTimerFired(_ connection: ConnectionID, at now: Date) {
        guard let timeout = configuration.inactivityTimeout, let state = connections[connection], state.user != nil
        else { return }
        let deadline = state.lastActivity.addingTimeInterval(timeout)
        guard now >= deadline else {
            effects.append(.schedule(.inactivity(connection), at: deadline))
            return
        }
        endSession(on: connection, reason: .inactivity, at: now)
        close(connection)
    }
}
