import Crypto
import Foundation

/// The `sig` parameter of Vonage's SMS API: every other parameter sorted by name, each written as
/// `&name=value` with `&` and `=` in values replaced by `_`; then either MD5 of that text followed by
/// the signature secret ("MD5 hash", Vonage's default), or an HMAC keyed by the secret. Hex.
enum VonageSignature {
    enum Method: String, CaseIterable, Sendable {
        case md5hash, md5, sha1, sha256, sha512
    }

    static func compute(_ params: [(String, String)], secret: String, method: Method) -> String {
        var text = ""
        var seen = Set<String>()
        // Code-point order, as the libraries sort; a repeated name counts once (its first value).
        for (name, value) in params.sorted(by: { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }) where name != "sig" {
            guard seen.insert(name).inserted else { continue }
            text += "&" + name + "=" + value.replacingOccurrences(of: "&", with: "_").replacingOccurrences(of: "=", with: "_")
        }
        let data = Array(text.utf8), key = SymmetricKey(data: Array(secret.utf8))
        let digest: [UInt8]
        switch method {
        case .md5hash: digest = Array(Insecure.MD5.hash(data: data + Array(secret.utf8)))
        case .md5: digest = Array(HMAC<Insecure.MD5>.authenticationCode(for: data, using: key))
        case .sha1: digest = Array(HMAC<Insecure.SHA1>.authenticationCode(for: data, using: key))
        case .sha256: digest = Array(HMAC<SHA256>.authenticationCode(for: data, using: key))
        case .sha512: digest = Array(HMAC<SHA512>.authenticationCode(for: data, using: key))
        }
        return digest.map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `params` carry a `sig` that `secret` made. Hex case doesn't matter; the comparison
    /// takes the same time wherever the first difference is.
    static func isValid(_ params: [(String, String)], secret: String, method: Method) -> Bool {
        guard let sig = params.first(where: { $0.0 == "sig" })?.1.lowercased(), !sig.isEmpty else { return false }
        let expected = Array(compute(params, secret: secret, method: method).utf8), given = Array(sig.utf8)
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<expected.count { difference |= expected[i] ^ given[i] }
        return difference == 0
    }
}
