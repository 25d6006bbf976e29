#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The C library's functions that Swift's Glibc module leaves out, looked up by name: those behind
/// `_GNU_SOURCE` or `_XOPEN_SOURCE` (`accept4`, `sched_setaffinity`, `wcwidth`, glibc's `posix_spawn`
/// extensions) and those in headers it does not import (<malloc.h>).
public enum LibC {
    /// `name` as a function of `type`; nil where this C library has no such function.
    public static func function<Function>(_ name: String, as type: Function.Type) -> Function? {
        #if canImport(Glibc)
            let everywhere = UnsafeMutableRawPointer(bitPattern: 0)  // RTLD_DEFAULT
        #else
            let everywhere = UnsafeMutableRawPointer(bitPattern: -2)  // RTLD_DEFAULT
        #endif
        guard let symbol = dlsym(everywhere, name) else { return nil }
        return unsafeBitCast(symbol, to: type)
    }
}
