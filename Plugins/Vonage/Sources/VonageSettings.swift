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

    static func read(_ s: ProviderSettings) -> Result<VonageSettings, SettingsProblem> {
        let problems = problems(s)
        if !problems.isEmpty { return .failure(SettingsProblem(problems)) }
        return .success(VonageSettings(
            apiKey: s["api_key"]!, apiSecret: s["api_secret"], signatureSecret: s["signature_secret"],
            signatureMethod: s["signature_method"].flatMap(VonageSignature.Method.init(rawValue:)) ?? .md5hash, from: s["from"]!,
            apiBaseURL: s.apiBaseURL(default: defaultBaseURL)))
    }

    static func problems(_ s: ProviderSettings) -> [String: String] {
        var problems = s.urlProblems()
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
        return problems
    }

    /// Vonage writes numbers without the plus: "447700900900".
    static func bare(_ number: String) -> String { number.hasPrefix("+") ? String(number.dropFirst()) : number }
}
