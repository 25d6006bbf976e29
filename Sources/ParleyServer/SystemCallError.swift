import NIOCore

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

/// A socket error from SwiftNIO (binding the metrics port, resolving a host) in the system's words, without
/// the call's Swift signature that SwiftNIO's own description starts with.
func socketProblem(_ error: any Error) -> String {
    switch error {
    case let error as IOError: String(cString: strerror(error.errnoCode))
    case is SocketAddressError.UnknownHost: "there is no such host or address"
    default: "\(error)"
    }
}
