#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A failed system call (a socket's, a lock file's): what was being done and the system's reason, in its words.
struct SystemCallError: Error, CustomStringConvertible {
    let doing: String
    let code: CInt

    init(_ doing: String, _ code: CInt) {
        self.doing = doing
        self.code = code
    }

    var description: String { "\(doing): \(String(cString: strerror(code)))" }
}
