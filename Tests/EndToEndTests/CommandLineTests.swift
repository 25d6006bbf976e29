import Foundation
import ParleyProcess
import ParleyTesting
import Testing

/// parleyd's command line refuses values it could not honour before it starts, with the option named, rather
/// than starting and failing later (a timer beyond what nanoseconds hold, a rate that overflows when doubled).
@Suite struct CommandLineTests {
    /// Runs parleyd with `arguments` and returns its exit status and standard error.
    private func run(_ arguments: [String]) throws -> (status: Int32, errors: String) {
        let errors = Pipe()
        let child = try Child(Binaries.parleyd, arguments + ["--insecure-plaintext", "--database", ":memory:"]) {
            options in
            options.standardError = .pipe(errors)
            options.standardOutput = .handle(.nullDevice)
        }
        let status = try child.waitForExit()
        return (status, String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    @Test(arguments: [
        (["0", "60", "9300000000"], "TIMEOUT must be at most 315360000 seconds (ten years)."),
        (["0", "--block-duration", "9300000000"], "BLOCK_DURATION must be at most 315360000 seconds (ten years)."),
        (["0", "--login-deadline", "9300000000"], "--login-deadline must be at most 315360000 seconds (ten years)."),
        (["0", "--command-rate", "4611686018427387904"], "--command-rate must be at most 100000000."),
        (["0", "--max-pending-logins", "0"], "--max-pending-logins must be at least 1 (and at most 2147483647)."),
        (["0", "--login-history-days=-1"], "--login-history-days must not be negative."),
    ])
    func valuesItCannotHonourAreRefusedAtOnce(_ arguments: [String], _ message: String) throws {
        let (status, errors) = try run(arguments)
        #expect(status == 64)
        #expect(errors.contains("Error: " + message), "\(errors)")
    }
}
