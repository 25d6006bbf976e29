#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The client as a job of the shell it was started from: stopped by Ctrl-Z, or by reading the terminal while
/// in the background (`bg`), and continued with `fg`.
enum JobControl {
    /// Raises `signal` (SIGTSTP, SIGTTIN) on the calling thread, unblocked there for the moment, so the process
    /// stops before this returns. The threads Swift's tasks run on, and threads they start, block these
    /// signals; sent to the process, another thread would take it a moment later. The kernel discards them for
    /// a process group no shell controls; there this returns at once.
    static func stop(by signal: Int32) {
        var stop = sigset_t()
        sigemptyset(&stop)
        sigaddset(&stop, signal)
        var previous = sigset_t()
        pthread_sigmask(SIG_UNBLOCK, &stop, &previous)
        raise(signal)
        pthread_sigmask(SIG_SETMASK, &previous, nil)
    }

    /// Whether `terminal` is this process's controlling terminal and another job has it in the foreground.
    static func isInBackground(of terminal: Int32) -> Bool {
        let foreground = tcgetpgrp(terminal)  // -1 when it is not this process's terminal: nothing to tell
        return foreground != -1 && foreground != getpgrp()
    }
}
