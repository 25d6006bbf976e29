import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A child process started with `posix_spawn`, its exit awaited by a bounded wait.
///
/// Written by hand instead of with Foundation's `Process`: on Linux `Process.run` looks through
/// `/proc/self/fd` and copies 256 bytes of each directory entry, reading past the last one
/// (swift-corelibs-foundation issue 5472, not fixed in Swift 6.3), and with the hundreds of children the
/// suite starts, that crashed the whole test process now and then (SIGSEGV in `Process.run`).
/// swift-subprocess does not look there, but it runs a child only for the length of an async call, and
/// these children outlive the call that starts them (a server the test then talks to, a bench worker the
/// coordinator drives). Like `Process`, a
/// child gets its own process group and none of the parent's other descriptors; unlike it, SIGPIPE and
/// SIGHUP are back to their defaults, as a shell in a terminal would start it (SwiftNIO in the test process
/// ignores SIGPIPE, and children would inherit that).
public final class Child: @unchecked Sendable {
    /// Where one of the child's standard streams goes.
    public enum Stream {
        /// Where the test process's own goes.
        case inherit
        /// The child's end of this pipe; the parent's copy of that end is closed once the child has it, so
        /// the parent sees the end of output when the child exits.
        case pipe(Pipe)
        /// This descriptor, shared with the parent (a terminal, /dev/null).
        case handle(FileHandle)
    }

    /// How to start the child.
    public struct Options {
        public var standardInput = Stream.inherit
        public var standardOutput = Stream.inherit
        public var standardError = Stream.inherit
        /// The whole environment; the parent's when nil.
        public var environment: [String: String]?
        /// The working directory; the parent's when nil.
        public var directory: URL?
    }

    public let pid: pid_t
    private let name: String
    /// Kept for the child's life, as `Process` keeps its pipes: a pipe let go closes its descriptors, and a
    /// reader of the child's output would then read whatever the descriptor's number is given to next.
    private let streams: [Stream]
    private let exit = ExitWatch()

    /// The exit status once `waitpid` has returned it (the code it exited with, or the number of the signal
    /// that ended it), and a semaphore signalled then; shared with the thread that waits.
    private final class ExitWatch: Sendable {
        let status = Mutex<Int32?>(nil)
        let exited = DispatchSemaphore(value: 0)
    }

    public init(_ executable: URL, _ arguments: [String], configure: (inout Options) -> Void = { _ in }) throws {
        var options = Options()
        configure(&options)
        name = executable.lastPathComponent
        pid = try Self.spawn(executable.path, arguments, options)
        streams = [options.standardInput, options.standardOutput, options.standardError]
        for (stream, parentEnd) in [
            (options.standardInput, \Pipe.fileHandleForReading), (options.standardOutput, \Pipe.fileHandleForWriting),
            (options.standardError, \Pipe.fileHandleForWriting),
        ] {
            if case .pipe(let pipe) = stream { try? pipe[keyPath: parentEnd].close() }
        }
        let (pid, exit) = (pid, exit)
        Thread {
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) == -1, errno == EINTR {}
            let code = raw & 0x7F == 0 ? (raw >> 8) & 0xFF : raw & 0x7F
            exit.status.withLock { $0 = code }
            exit.exited.signal()
        }.start()
    }

    /// Waits at most `seconds` for the child to exit and returns its status; a child that does not exit in
    /// time is sent SIGTERM and the wait fails.
    public func waitForExit(within seconds: Double = 15) throws -> Int32 {
        guard exit.exited.wait(timeout: .now() + seconds) == .success else {
            signal(SIGTERM)
            throw StillRunning(description: "\(name) did not exit within \(seconds) s")
        }
        exit.exited.signal()  // Later waits return at once.
        return exit.status.withLock { $0 ?? -1 }
    }

    public var isRunning: Bool { exit.status.withLock { $0 == nil } }

    public func signal(_ number: Int32) {
        kill(pid, number)
    }

    deinit {
        if isRunning { signal(SIGTERM) }
    }

    /// What a command run to its end printed, and how it exited.
    public struct Finished: Sendable {
        public let status: Int32
        public let output: String
        public let errors: String
    }

    /// Runs `executable` with `input` on its standard input and waits (bounded) for it to exit. For commands
    /// that print little: their output is read once they have exited.
    public static func run(_ executable: URL, _ arguments: [String], input: String = "") throws -> Finished {
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        let child = try Child(executable, arguments) { options in
            options.standardInput = .pipe(stdin)
            options.standardOutput = .pipe(stdout)
            options.standardError = .pipe(stderr)
        }
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let status = try child.waitForExit()
        return Finished(
            status: status, output: String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
            errors: String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    // MARK: posix_spawn

    public struct SpawnFailed: Error, CustomStringConvertible {
        public let description: String
    }

    /// The child did not exit within the time given to `waitForExit(within:)`.
    public struct StillRunning: Error, CustomStringConvertible {
        public let description: String
    }

    private typealias AddChdir =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>)
        -> CInt
    private typealias AddClosefrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, CInt) -> CInt

    /// glibc's extensions (2.29 and 2.34), which Swift's Glibc module does not show.
    private static func gnuExtension<Function>(_ name: String, as type: Function.Type) throws -> Function {
        guard let function = LibC.function(name, as: type) else {
            throw SpawnFailed(description: "this C library has no \(name)")
        }
        return function
    }

    private static func spawn(_ path: String, _ arguments: [String], _ options: Options) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (stream, target) in [
            (options.standardInput, STDIN_FILENO), (options.standardOutput, STDOUT_FILENO),
            (options.standardError, STDERR_FILENO),
        ] {
            let source: Int32? =
                switch stream {
                case .inherit: nil
                case .pipe(let pipe):
                    target == STDIN_FILENO
                        ? pipe.fileHandleForReading.fileDescriptor : pipe.fileHandleForWriting.fileDescriptor
                case .handle(let handle): handle.fileDescriptor
                }
            if let source { posix_spawn_file_actions_adddup2(&actions, source, target) }
        }
        if let directory = options.directory {
            guard
                try gnuExtension("posix_spawn_file_actions_addchdir_np", as: AddChdir.self)(&actions, directory.path)
                    == 0
            else { throw SpawnFailed(description: "cannot change to \(directory.path)") }
        }
        _ = try gnuExtension("posix_spawn_file_actions_addclosefrom_np", as: AddClosefrom.self)(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        sigaddset(&defaults, SIGHUP)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))

        let environment = (options.environment ?? ProcessInfo.processInfo.environment).map { "\($0)=\($1)" }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            for pointer in argv + envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw SpawnFailed(description: "cannot start \(path): \(String(cString: strerror(result)))")
        }
        return pid
    }
}
