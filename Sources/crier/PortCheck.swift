import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Finds out before migrations run whether the address can be listened on, so a second server
/// started by mistake stops at once with one clear line, not after touching the database and
/// failing deep inside the HTTP server's start.
enum PortCheck {
    /// Nil when `host:port` can be bound now; else why not, in a sentence.
    static func problem(host: String, port: Int) -> String? {
        guard port != 0 else { return nil }
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        let code = getaddrinfo(host, String(port), &hints, &found)
        guard code == 0, let first = found else {
            return "cannot listen on \(host):\(port): \(String(cString: gai_strerror(code)))"
        }
        defer { freeaddrinfo(first) }
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let address = entry {
            let fd = socket(address.pointee.ai_family, address.pointee.ai_socktype, address.pointee.ai_protocol)
            if fd >= 0 {
                // As the server itself will: a port in TIME_WAIT from the last run is not busy.
                var one: Int32 = 1
                setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
                let bound = bind(fd, address.pointee.ai_addr, address.pointee.ai_addrlen)
                let failure = errno
                close(fd)
                if bound != 0 {
                    if failure == EADDRINUSE {
                        return "port \(port) on \(host) is already in use (is another crier running?); choose another with --port or CRIER_PORT"
                    }
                    return "cannot listen on \(host):\(port): \(String(cString: strerror(failure)))"
                }
            }
            entry = address.pointee.ai_next
        }
        return nil
    }
}
