import Foundation
import ParleyProcess
import ParleyTesting
import Testing

/// parleyd's command line refuses values it could not honour before it starts, with the option named, rather
/// than starting and failing later (a timer beyond what nanoseconds hold, a rate that overflows when doubled).
@Suite struct CommandLineTests {
    let directory = TestDirectory.fresh()

    /// Runs parleyd with `arguments` and a database in `directory` (plain TCP unless `tls`), and returns its
    /// exit status and standard error.
    private func run(_ arguments: [String], in directory: URL? = nil, tls: Bool = false) throws -> (
        status: Int32, errors: String
    ) {
        let database = (directory ?? self.directory).appendingPathComponent("parley.db").path
        let transport = tls ? [] : ["--insecure-plaintext"]
        let errors = Pipe()
        let child = try Child(Binaries.parleyd, arguments + transport + ["--database", database]) { options in
            options.standardError = .pipe(errors)
            options.standardOutput = .handle(.nullDevice)
        }
        let status = try child.waitForExit()
        return (status, String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    @Test(arguments: [
        (["0", "60", "9300000000"], "TIMEOUT must be at most 315360000 seconds (ten years)."),
        (["0", "--block-duration", "9300000000"], "BLOCK_DURATION must be at most 315360000 seconds (ten years)."),
        (["0", "--login-deadline", "9300000000"], "--login-deadline must be at most 31536000 seconds (a year)."),
        (["0", "--command-rate", "4611686018427387904"], "--command-rate must be at most 100000000."),
        (["0", "--max-pending-logins", "0"], "--max-pending-logins must be at least 1 (and at most 2147483647)."),
        (["0", "--login-history-days=-1"], "--login-history-days must not be negative."),
        (["--metrics-host", "0.0.0.0"], "--metrics-host needs --metrics-port (metrics are off without one)."),
    ])
    func valuesItCannotHonourAreRefusedAtOnce(_ arguments: [String], _ message: String) throws {
        let (status, errors) = try run(arguments)
        #expect(status == 64)
        #expect(errors.contains("Error: " + message), "\(errors)")
    }

    /// What stops a start that the command line could not foresee is said in words, the file or address named.
    @Test func startsThatCannotGoAheadSayWhy() throws {
        let latin1 = directory.appendingPathComponent("latin1.txt")
        try Data([0x63, 0x61, 0x66, 0xE9, 0x20, 0x70, 0x77, 0x0A]).write(to: latin1)  // "café pw" in Latin-1
        let port = try ServerBinary.unusedPort()
        let cases: [([String], String)] = [
            (["0", "--host", ""], "cannot listen on :0: there is no such host or address"),
            (
                ["--port", "\(port)", "--metrics-port", "\(port)"],
                "cannot serve metrics on 127.0.0.1:\(port): Address already in use"
            ),
            (
                ["0", "--credentials", latin1.path],
                "cannot import \(latin1.path): it is not UTF-8 text (convert it first, e.g. with iconv -f latin1 -t utf8)"
            ),
            (["0", "--credentials", directory.path], "cannot import \(directory.path): it is a directory"),
            (
                ["0", "--credentials", latin1.path + ".gone"],
                "cannot import \(latin1.path).gone: there is no such file"
            ),
        ]
        for (arguments, reason) in cases {
            let (status, errors) = try run(arguments)
            #expect(status == 1)
            #expect(errors.hasSuffix("parleyd: cannot start: \(reason)\n"), "\(errors)")
        }
    }

    /// A port in use is found before anything is made: no database, no certificate left behind to puzzle over.
    @Test func aPortInUseIsFoundBeforeADatabaseOrACertificateIsMade() throws {
        let holder = try ServerBinary(extraArguments: ["--insecure-plaintext"])
        defer { try? holder.stop() }
        let fresh = TestDirectory.fresh()
        let (status, reason) = try run(["--port", "\(holder.port)"], in: fresh, tls: true)
        #expect(status == 1)
        #expect(reason.hasSuffix("cannot listen on 0.0.0.0:\(holder.port): Address already in use\n"), "\(reason)")
        let left = try FileManager.default.contentsOfDirectory(atPath: fresh.path)
        #expect(!left.contains("parley.db") && !left.contains("parleyd-cert.pem"), "\(left)")
    }
}
