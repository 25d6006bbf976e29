import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a file descriptor on a thread of its own, since a blocking `read` must not hold one of the few
/// threads Swift concurrency runs on. It waits with `poll` on the descriptor and on a wake-up pipe, so
/// `stop()` ends it promptly and no keystroke meant for the shell is read after the client is done.
final class InputThread: Sendable {
    private let descriptor: Int32
    private let wakeRead: Int32
    private let wakeWrite: Int32

    /// `received` gets each chunk of bytes, then `nil` once at end of input or after `stop()`.
    init(descriptor: Int32, received: @escaping @Sendable ([UInt8]?) -> Void) {
        var fds: [Int32] = [0, 0]
        if pipe(&fds) != 0 { fds = [-1, -1] }
        self.descriptor = descriptor
        wakeRead = fds[0]
        wakeWrite = fds[1]
        let thread = Thread { [descriptor, wakeRead = fds[0]] in
            Self.readLoop(descriptor: descriptor, wake: wakeRead, received: received)
        }
        thread.name = "parley-input"
        thread.start()
    }

    func stop() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)  // A full pipe already holds a wake-up; nothing else can fail usefully.
    }

    deinit {
        close(wakeWrite)
    }

    private static func readLoop(descriptor: Int32, wake: Int32, received: @Sendable ([UInt8]?) -> Void) {
        defer {
            close(wake)
            received(nil)
        }
        var buffer = [UInt8](repeating: 0, count: 1024)
        while true {
            var fds = [
                pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wake, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&fds, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if fds[1].revents != 0 { return }
            guard fds[0].revents != 0 else { continue }
            let count = read(descriptor, &buffer, buffer.count)
            if count < 0, errno == EINTR || errno == EAGAIN { continue }
            if count < 0, errno == EIO, JobControl.isInBackground(of: descriptor) {
                // Continued in the background (`bg`): stop until `fg`, as the kernel does to a reader there whose
                // SIGTTIN is not blocked, instead of taking the error for the end of input.
                JobControl.stop(by: SIGTTIN)
                // Still in the background: continued there again, or the stop was discarded (no shell controls
                // the job any more). Either way, try again at a gentle pace rather than spin.
                if JobControl.isInBackground(of: descriptor) { usleep(100_000) }
                continue
            }
            guard count > 0 else { return }
            received(Array(buffer[0..<count]))
        }
    }
}
