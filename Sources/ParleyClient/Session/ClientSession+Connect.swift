import NIOSSL
import ParleyProtocol
import ParleyTLS

/// Opening the connection to the server: plain, or TLS verified against the system's roots, or with the
/// certificate pinned by its fingerprint, and on first contact with an unknown self-signed server, the
/// question whether to trust it.
extension ClientSession {
    enum ConnectOutcome {
        case connected(LineChannel)
        case ended(ClientExit)
    }

    /// The server as the user named it, as messages name it: `HOST:PORT`, `[ADDRESS]:PORT` for IPv6.
    var endpoint: String { Texts.endpoint(host: configuration.host, port: configuration.port) }
    /// How `known_hosts` keys the server: `HOST:PORT` as typed, brackets or not, as it always has.
    private var knownHostsKey: String { "\(configuration.host):\(configuration.port)" }

    /// `inputs` carries the user's answer to the trust question; nothing else is running yet.
    func connectToServer(answersFrom inputs: inout AsyncStream<SessionInput>.Iterator) async -> ConnectOutcome {
        switch configuration.security {
        case .plaintext:
            do {
                return .connected(try await connect(tls: nil))
            } catch {
                return .ended(.cannotConnect(reason: ConnectFailure.reason(error)))
            }
        case .pinned(let fingerprint):
            return await connect(pinning: fingerprint, rememberedIn: nil)
        case .trustOnFirstUse(let knownHosts):
            let known: CertificateFingerprint?
            do {
                known = try knownHosts.fingerprint(for: knownHostsKey)
            } catch {
                await show(Texts.knownServersUnreadable("\(error)"))
                return .ended(.untrusted)
            }
            if let known {
                return await connect(pinning: known, rememberedIn: knownHosts)
            }
            // A certificate the system's roots vouch for, for this host name, needs no question. Any failure
            // here (a self-signed certificate, most often) just leads to the question below.
            if let channel = try? await connect(tls: .systemRoots) {
                return .connected(channel)
            }
            let presented: CertificateFingerprint
            switch await presentedFingerprint() {
            case .success(let fingerprint): presented = fingerprint
            case .failure(let error): return .ended(.cannotConnect(reason: ConnectFailure.reason(error)))
            }
            await show(Texts.unknownServer(endpoint, fingerprint: presented.description))
            await console.requestLine(prompt: Texts.trustQuestion, secret: false)
            guard await nextAnswer(from: &inputs) else {
                await show(Texts.serverNotTrusted)
                return .ended(.untrusted)
            }
            do {
                try knownHosts.remember(presented, for: knownHostsKey)
            } catch {
                await show(Texts.couldNotRememberServer(file: knownHosts.path, reason: "\(error)"))
            }
            return await connect(pinning: presented, rememberedIn: knownHosts)
        }
    }

    private func connect(pinning expected: CertificateFingerprint, rememberedIn knownHosts: KnownHosts?) async
        -> ConnectOutcome
    {
        do {
            return .connected(try await connect(tls: .pinned(expected)))
        } catch {
            // Was it the certificate? Ask the server which one it shows, to say so plainly.
            guard case .success(let presented) = await presentedFingerprint(), presented != expected else {
                return .ended(.cannotConnect(reason: ConnectFailure.reason(error)))
            }
            if let knownHosts {
                await show(
                    Texts.certificateChanged(
                        endpoint, was: expected.description, now: presented.description, file: knownHosts.path))
            } else {
                await show(Texts.certificateMismatch(expected: expected.description, presented: presented.description))
            }
            return .ended(.untrusted)
        }
    }

    /// Connects only far enough to see the server's certificate (the handshake is then refused).
    private func presentedFingerprint() async -> Result<CertificateFingerprint, any Error> {
        let (seen, report) = AsyncStream.makeStream(of: CertificateFingerprint.self)
        var failure: any Error = ConnectFailure.NoCertificate()
        do {
            let channel = try await connect(tls: .report { report.yield($0) })
            try? await channel.channel.close()  // Cannot happen: a reporting handshake always fails.
        } catch {
            failure = error
        }
        report.finish()
        for await fingerprint in seen { return .success(fingerprint) }
        return .failure(failure)
    }

    private func connect(tls trust: ServerTrust?) async throws -> LineChannel {
        let host = configuration.host
        var tls: (@Sendable () throws -> NIOSSLClientHandler)?
        let authorities = configuration.additionalTrustRoots
        if let trust { tls = { try ClientTLS.handler(host: host, trust: trust, alsoTrusting: authorities) } }
        return try await LineTransport.connect(
            host: host, port: configuration.port, timeout: configuration.connectTimeout, tls: tls,
            maxLineBytes: ProtocolLimits.maxServerLineBytes)
    }

    private func nextAnswer(from inputs: inout AsyncStream<SessionInput>.Iterator) async -> Bool {
        while let input = await inputs.next(isolation: #isolation) {
            guard case .console(let typed) = input else { continue }
            guard case .line(let answer) = typed else { return false }
            return ["yes", "y"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased())
        }
        return false
    }
}
