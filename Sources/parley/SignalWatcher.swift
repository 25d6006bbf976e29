import Dispatch
import ParleyProcess

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Turns signals (SIGINT, SIGTERM, SIGHUP) into a call of `handler` instead of killing the process, so the
/// client can log out cleanly and put the terminal back as it was. A signal the process was started to ignore
/// stays ignored (SIGHUP under `nohup`).
struct SignalWatcher {
    private let sources: [any DispatchSourceSignal]

    init(signals: [Int32], handler: @escaping @Sendable () -> Void) {
        sources = signals.filter { !SignalDisposition.isIgnored($0) }.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler(handler: handler)
            source.resume()
            return source
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}
