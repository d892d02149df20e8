import Hummingbird
import NIOCore

/// The address a request came from, for per-client limits. The connection's peer, unless that is
/// this machine (a reverse proxy beside Crier), in which case the address the proxy added last to
/// `X-Forwarded-For`: entries before it are whatever the client chose to send.
enum ClientAddress {
    static func of(_ request: Request, peer: SocketAddress?) -> String {
        let direct = peer?.ipAddress
        let local = direct == nil || direct == "127.0.0.1" || direct == "::1" || direct?.hasPrefix("::ffff:127.") == true
        if local, let forwarded = request.headers[.init("X-Forwarded-For")!]?.split(separator: ",").last {
            let address = forwarded.trimmingCharacters(in: .whitespaces)
            if !address.isEmpty, address.count <= 64 { return address }
        }
        return direct ?? "unknown"
    }
}
