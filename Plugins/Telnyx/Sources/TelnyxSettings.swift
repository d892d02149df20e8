import CrierPluginKit
import Foundation

/// A venue's Telnyx settings, checked.
struct TelnyxSettings: Sendable {
    var apiKey: String
    /// The account's webhook public key (base64 Ed25519, from the Telnyx portal).
    var publicKey: String?
    var from: String?
    var messagingProfileId: String?
    var apiBaseURL: String

    static let defaultBaseURL = "https://api.telnyx.com"

    static func read(_ s: ProviderSettings) -> Result<TelnyxSettings, SettingsProblem> {
        let problems = problems(s)
        if !problems.isEmpty { return .failure(SettingsProblem(problems)) }
        return .success(TelnyxSettings(
            apiKey: s["api_key"]!, publicKey: s["public_key"], from: s["from"], messagingProfileId: s["messaging_profile_id"],
            apiBaseURL: s.apiBaseURL(default: defaultBaseURL)))
    }

    static func problems(_ s: ProviderSettings) -> [String: String] {
        var problems = s.urlProblems()
        if (s["api_key"] ?? "").isEmpty { problems["api_key"] = "is required" }
        if s["from"] == nil && s["messaging_profile_id"] == nil { problems["from"] = "is required (or messaging_profile_id)" }
        if let from = s["from"], !(from.hasPrefix("+") && from.dropFirst().allSatisfy(\.isNumber) && (8...16).contains(from.count)) {
            problems["from"] = "must be a number in E.164 (+ and digits)"
        }
        if let key = s["public_key"], Data(base64Encoded: key)?.count != 32 {
            problems["public_key"] = "must be the base64 Ed25519 public key (32 bytes) from the Telnyx portal"
        }
        return problems
    }
}
