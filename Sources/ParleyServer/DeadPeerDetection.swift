#if canImport(Glibc)
    import Glibc
#endif

/// TCP keepalive on every client connection, so that one whose other end vanished without closing it (a laptop
/// that went to sleep or changed networks, a cable pulled) is noticed and closed within about a minute: its user
/// is logged out as after any dropped connection and can log in again. Without it such a session stays open
/// while nothing is written to it, and every login of that user meanwhile gets "This user is already logged
/// in"; with output waiting, TCP would take about 15 minutes to give up.
///
/// The kernel sends the probes and the peer's kernel answers them, so a client that merely says nothing is
/// never affected, whatever program it is (`nc` included). Output that the peer leaves unacknowledged, or
/// does not make room for, for 90 s also ends the connection (`TCP_USER_TIMEOUT`): a vanished peer with
/// messages on their way to it, or a client stopped (Ctrl-Z) while so much came for it that its buffers
/// filled, as a client that does not read is closed anyway once its backlog passes the server's limit.
enum DeadPeerDetection {
    /// Seconds of silence before the first probe, between probes, and how many unanswered probes end it.
    static let idleSeconds: CInt = 30
    static let probeIntervalSeconds: CInt = 10
    static let probes: CInt = 3
    /// Output left unacknowledged this long also ends the connection (`TCP_USER_TIMEOUT`), in milliseconds.
    static let unacknowledgedMilliseconds: CInt = 90_000

    /// Sets the options on `socket`. A failure leaves the connection working as before, so it is not reported.
    static func enable(on socket: CInt) {
        #if canImport(Glibc)
            set(socket, SOL_SOCKET, SO_KEEPALIVE, 1)
            set(socket, CInt(IPPROTO_TCP), TCP_KEEPIDLE, idleSeconds)
            set(socket, CInt(IPPROTO_TCP), TCP_KEEPINTVL, probeIntervalSeconds)
            set(socket, CInt(IPPROTO_TCP), TCP_KEEPCNT, probes)
            set(socket, CInt(IPPROTO_TCP), TCP_USER_TIMEOUT, unacknowledgedMilliseconds)
        #endif
    }

    private static func set(_ socket: CInt, _ level: CInt, _ option: CInt, _ value: CInt) {
        var value = value
        _ = setsockopt(socket, level, option, &value, socklen_t(MemoryLayout<CInt>.size))
    }
}
