import CrierPluginKit

/// A venue's Vonage (SMS API) settings, checked.
struct VonageSettings: Sendable {
    var apiKey: String
    var apiSecret: String?
    /// Signs requests to Vonage (instead of the API secret) and verifies its signed webhooks.
    var signatureSecret: String?
    var signatureMethod: VonageSignature.Method
    /// The venue's number or alphanumeric sender id.
    var from: String
    var apiBaseURL: String

    static let defaultBaseURL = "https://rest.nexmo.com"

    static func read(_ s: ProviderSettings) -> Result<VonageSettings, VonageProblem> {
        let problems = problems(s)
        if !problems.isEmpty {
            return .failure(VonageProblem(description: problems.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "; ")))
        }
        let base = s["api_base_url"] ?? defaultBaseURL
        return .success(VonageSettings(
            apiKey: s["api_key"]!, apiSecret: s["api_secret"], signatureSecret: s["signature_secret"],
            signatureMethod: s["signature_method"].flatMap(VonageSignature.Method.init(rawValue:)) ?? .md5hash, from: s["from"]!,
            apiBaseURL: base.hasSuffix("/") ? String(base.dropLast()) : base))
    }

    static func problems(_ s: ProviderSettings) -> [String: String] {
        var problems: [String: String] = [:]
        if (s["api_key"] ?? "").isEmpty { problems["api_key"] = "is required" }
        if s["api_secret"] == nil && s["signature_secret"] == nil { problems["api_secret"] = "is required (or signature_secret)" }
        if let method = s["signature_method"], VonageSignature.Method(rawValue: method) == nil {
            problems["signature_method"] = "must be one of " + VonageSignature.Method.allCases.map(\.rawValue).joined(separator: ", ")
        }
        if let from = s["from"] {
            // A number (digits, an optional +) or an alphanumeric sender id of at most 11 characters.
            let digits = from.hasPrefix("+") ? from.dropFirst() : Substring(from)
            let number = !digits.isEmpty && digits.allSatisfy(\.isNumber) && digits.count <= 15
            let senderId = from.count <= 11 && from.allSatisfy { $0.isLetter || $0.isNumber || $0 == " " } && from.contains { $0.isLetter }
            if !number && !senderId { problems["from"] = "must be a number or a sender id of at most 11 letters and digits" }
        } else {
            problems["from"] = "is required"
        }
        for key in ["api_base_url", "public_url"] {
            if let url = s[key], !(url.hasPrefix("https://") || url.hasPrefix("http://")) { problems[key] = "must be an http(s) URL" }
        }
        return problems
    }

    /// Vonage writes numbers without the plus: "447700900900".
    static func bare(_ number: String) -> String { number.hasPrefix("+") ? String(number.dropFirst()) : number }
}

/// Unusable Vonage settings, as one sentence.
struct VonageProblem: Error, CustomStringConvertible {
    let description: String
}
