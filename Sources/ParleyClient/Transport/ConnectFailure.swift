import Foundation
import NIOCore
import NIOPosix

/// Turns a failed connect into the short REASON of `Cannot connect to HOST:PORT: REASON`.
enum ConnectFailure {
    static func reason(_ error: any Error) -> String {
        switch error {
        case let error as NIOConnectionError:
            if let first = error.connectionErrors.first { return reason(first.error) }
            return error.dnsAAAAError.map(reason) ?? error.dnsAError.map(reason) ?? "no address found for host"
        case let error as SocketAddressError.UnknownHost:
            return error.errorDescription
        case let error as IOError:
            return String(cString: strerror(error.errnoCode))
        case is ChannelError:
            if case .connectTimeout = error as? ChannelError { return "connection timed out" }
            return "\(error)"
        default:
            return "\(error)"
        }
    }
}
