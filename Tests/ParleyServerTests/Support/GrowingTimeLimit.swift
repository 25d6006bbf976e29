/// A test's setup that its server's timer overtook: the setup did not finish within the limit it was given.
struct SetupLostTheRace: Error {
    let underlying: any Error
}

/// The setup of a test that races a server's timer (a login deadline, an inactivity timeout) must finish before
/// that timer fires, or the test proves nothing. Runs `setUp` and turns any failure into `SetupLostTheRace`.
func racingTheTimer<Value>(_ setUp: () async throws -> Value) async throws -> Value {
    do {
        return try await setUp()
    } catch {
        throw SetupLostTheRace(underlying: error)
    }
}

/// Runs `body` with the time limit `seconds`, and while its setup loses the race (`racingTheTimer`), again with
/// twice the limit, up to `tries` times; the last try's failure is the test's. A short limit keeps the test
/// quick on a quiet machine; on a busy one the race is run again with room rather than failing.
func withGrowingTimeLimit(from seconds: Double, tries: Int = 4, _ body: (Double) async throws -> Void) async throws {
    var limit = seconds
    for attempt in 1...tries {
        do {
            return try await body(limit)
        } catch let lost as SetupLostTheRace {
            if attempt == tries { throw lost.underlying }
            limit *= 2
        }
    }
}
