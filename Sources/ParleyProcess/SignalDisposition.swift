#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What this process does with a signal, as set by whoever started it.
public enum SignalDisposition {
    /// Whether `number` is ignored: asked before the process handles the signal itself, this tells whether it
    /// was started to ignore it (SIGHUP under `nohup`), which a program that honours the caller leaves alone.
    public static func isIgnored(_ number: Int32) -> Bool {
        var current = sigaction()
        guard sigaction(number, nil, &current) == 0 else { return false }
        #if canImport(Glibc)
            let handler = current.__sigaction_handler.sa_handler
        #else
            let handler = current.__sigaction_u.__sa_handler
        #endif
        return unsafeBitCast(handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
    }
}
