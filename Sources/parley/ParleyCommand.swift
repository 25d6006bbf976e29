import ArgumentParser
import Foundation
import ParleyClient
import ParleyProtocol
import ParleyTLS

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `parley [PORT] [--host HOST] [--trust FINGERPRINT | --trust-ca FILE | --insecure-plaintext]
/// [--private-port PORT]`: the terminal client. Parses the command line, picks the console (line
/// editor on a terminal, plain lines otherwise) and runs a `ClientSession`; everything else is in
/// `ParleyClient` and `ParleyTerminal`.
@main
struct ParleyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parley", abstract: "Chat with the users of a parleyd server.")

    @Argument(help: "The server's TCP port.")
    var port: Int = 4000

    @Option(help: "The server's host name or address.")
    var host: String = "127.0.0.1"

    @Option(
        help: ArgumentHelp(
            "Trust only the server certificate with this SHA-256 fingerprint (as parleyd prints it).",
            valueName: "fingerprint"))
    var trust: String?

    @Option(
        name: .customLong("trust-ca"),
        help: ArgumentHelp(
            "Also trust server certificates signed by the certificate authorities in this PEM file (a private "
                + "CA), besides the system's; a certificate neither vouches for is still asked about.",
            valueName: "file"))
    var trustCA: String?

    @Flag(help: "Connect without TLS, to a parleyd run with --insecure-plaintext.")
    var insecurePlaintext = false

    @Option(
        help: ArgumentHelp(
            "Tell peers of private sessions to connect to this port instead of the one the client listens on "
                + "(for a router that forwards it here). If they cannot, sessions are relayed, still encrypted.",
            valueName: "port"))
    var privatePort: Int?

    func validate() throws {
        if insecurePlaintext, trust != nil {
            throw ValidationError("--insecure-plaintext and --trust exclude each other.")
        }
        if let privatePort, !(1...65535).contains(privatePort) {
            throw ValidationError("--private-port takes a TCP port, 1 to 65535.")
        }
        if let trust, CertificateFingerprint(parsing: trust) == nil {
            throw ValidationError("--trust takes a SHA-256 fingerprint: 64 hex digits, with or without colons.")
        }
        if trustCA != nil, insecurePlaintext || trust != nil {
            throw ValidationError("--trust-ca goes with neither --insecure-plaintext nor --trust.")
        }
    }

    func run() async throws {
        // Read here, once, before the terminal is touched; a file that cannot be used is a usage error.
        let trustRoots = try trustCA.map { path in
            do {
                return try ClientTLS.authorities(inPEMFile: path)
            } catch {
                throw ValidationError("--trust-ca: \(error)")
            }
        }
        let onTerminal = isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1
        let console: any InterruptibleConsole = onTerminal ? TerminalConsole() : LineConsole()
        let security: ServerSecurity
        if insecurePlaintext {
            security = .plaintext
        } else if let trust, let fingerprint = CertificateFingerprint(parsing: trust) {
            security = .pinned(fingerprint)
        } else {
            security = .trustOnFirstUse(.standard)
        }
        var configuration = ClientConfiguration(
            host: host, port: port, security: security, commandPrompt: onTerminal ? Texts.commandPrompt : "",
            advertisedPeerPort: privatePort)
        if let trustRoots { configuration.additionalTrustRoots = [trustRoots] }
        // A person at a terminal expects the client to come back after a server restart; a script sees the end.
        if onTerminal { configuration.reconnection = .standard }
        let signals = SignalWatcher(signals: [SIGINT, SIGTERM, SIGHUP]) {
            Task { await console.interrupt() }
        }
        let exit = await ClientSession(configuration: configuration, console: console).run()
        signals.cancel()
        if case .cannotConnect(let reason) = exit {
            FileHandle.standardError.write(
                Data((Texts.cannotConnect(host: host, port: port, reason: reason) + "\n").utf8))
        }
        throw ExitCode(exit.status)
    }
}
