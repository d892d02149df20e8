import CrierPluginKit

/// A venue's Twilio settings, checked.
struct TwilioSettings: Sendable {
    var accountSid: String
    var authToken: String
    var from: String?
    var messagingServiceSid: String?
    /// Twilio's API, or a local fake in tests.
    var apiBaseURL: String

    static let defaultBaseURL = "https://api.twilio.com"

    /// The settings, or one sentence naming what is wrong with them.
    static func read(_ s: ProviderSettings) -> Result<TwilioSettings, SettingsProblem> {
        let problems = problems(s)
        if !problems.isEmpty { return .failure(SettingsProblem(problems)) }
        return .success(TwilioSettings(
            accountSid: s["account_sid"]!, authToken: s["auth_token"]!, from: s["from"], messagingServiceSid: s["messaging_service_sid"],
            apiBaseURL: s.apiBaseURL(default: defaultBaseURL)))
    }

    static func problems(_ s: ProviderSettings) -> [String: String] {
        var problems = s.urlProblems()
        if let sid = s["account_sid"] {
            if !(sid.hasPrefix("AC") && sid.count == 34 && sid.dropFirst(2).allSatisfy(\.isHexDigit)) {
                problems["account_sid"] = "must be AC followed by 32 hex digits"
            }
        } else {
            problems["account_sid"] = "is required"
        }
        if (s["auth_token"] ?? "").isEmpty { problems["auth_token"] = "is required" }
        if s["from"] == nil && s["messaging_service_sid"] == nil {
            problems["from"] = "is required (or messaging_service_sid)"
        }
        if let service = s["messaging_service_sid"], !(service.hasPrefix("MG") && service.count == 34) {
            problems["messaging_service_sid"] = "must be MG followed by 32 hex digits"
        }
        return problems
    }
}
