import Crypto
import CrierPluginKit
import Foundation

/// X-Twilio-Signature as Twilio computes it: base64 HMAC-SHA1, keyed by the account's auth token,
/// over the URL Twilio called followed by every POST parameter (sorted by name, each name's
/// distinct values sorted, name and value joined). A JSON body is covered instead by a
/// `bodySHA256` query parameter, its SHA-256 in hex. The URL is tried with and without its
/// default port, because Twilio signs either form.
enum TwilioSignature {
    static func compute(url: String, params: [(String, String)], token: String) -> String {
        // Code-point order (as Twilio's libraries sort), which is UTF-8 byte order, not Swift's `<`;
        // a name sent twice with the same value counts once.
        var pairs = params.map { (name: Array($0.0.utf8), value: Array($0.1.utf8)) }
        pairs.sort { $0.name == $1.name ? $0.value.lexicographicallyPrecedes($1.value) : $0.name.lexicographicallyPrecedes($1.name) }
        var text = Array(url.utf8)
        text.reserveCapacity(text.count + pairs.reduce(0) { $0 + $1.name.count + $1.value.count })
        for (index, pair) in pairs.enumerated() {
            if index > 0, pairs[index - 1].name == pair.name, pairs[index - 1].value == pair.value { continue }
            text += pair.name
            text += pair.value
        }
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: text, using: SymmetricKey(data: Array(token.utf8)))
        return Data(mac).base64EncodedString()
    }

    /// Whether `signature` is Twilio's for a request to `url` with `body`: `form` is the body
    /// decoded, or nil for a JSON body (signed through `bodySHA256`).
    static func isValid(url: String, body: [UInt8], form: [(String, String)]?, signature: String, token: String) -> Bool {
        var params: [(String, String)] = []
        var bodyHashOK = true
        if let form {
            params = form
        } else {
            // The body is signed through its hash in the URL; without one, a JSON body is not covered.
            guard let hash = query(of: url).first(where: { $0.0 == "bodySHA256" })?.1 else { return false }
            let computed = SHA256.hash(data: body).map { String(format: "%02x", $0) }.joined()
            bodyHashOK = ConstantTime.equal(computed, hash)
        }
        // The URL as given first; the other port form only if that fails (which form matched is no secret).
        if ConstantTime.equal(compute(url: url, params: params, token: token), signature) { return bodyHashOK }
        for other in urlForms(url) where other != url && ConstantTime.equal(compute(url: other, params: params, token: token), signature) {
            return bodyHashOK
        }
        return false
    }

    /// The URL without any port, and with its port (the scheme's default when it names none): the
    /// two forms Twilio's own validator accepts.
    static func urlForms(_ url: String) -> [String] {
        guard let schemeEnd = url.range(of: "://") else { return [url] }
        let rest = url[schemeEnd.upperBound...]
        let hostEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        let netloc = rest[..<hostEnd]
        let tail = rest[hostEnd...]
        let prefix = url[..<schemeEnd.upperBound]
        // The port follows the last colon after any userinfo and outside an IPv6 literal.
        let hostPart = netloc.split(separator: "@").last.map(String.init) ?? String(netloc)
        if let colon = hostPart.lastIndex(of: ":"), !hostPart[colon...].contains("]"), hostPart[hostPart.index(after: colon)...].allSatisfy(\.isNumber),
           hostPart.index(after: colon) < hostPart.endIndex {
            let withoutPort = String(netloc.dropLast(hostPart.distance(from: colon, to: hostPart.endIndex)))
            return [prefix + withoutPort + tail, url]
        }
        let port = prefix.lowercased().hasPrefix("https") ? "443" : "80"
        return [url, prefix + netloc + ":" + port + tail]
    }

    static func query(of url: String) -> [(String, String)] {
        guard let q = url.firstIndex(of: "?") else { return [] }
        let end = url.firstIndex(of: "#") ?? url.endIndex
        return FormBody.decode(String(url[url.index(after: q)..<max(end, url.index(after: q))]))
    }
}
