/// A venue's provider settings that can't be used, as one sentence a message's attempt log can
/// show: "account_sid is required; from must be a number".
public struct SettingsProblem: Error, CustomStringConvertible, Sendable {
    public let description: String

    /// Joins problems by key (as `validate` returns them), in key order.
    public init(_ problems: [String: String]) {
        description = problems.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "; ")
    }
}

extension ProviderSettings {
    /// "must be an http(s) URL" for each of `keys` that is set to anything else.
    public func urlProblems(_ keys: [String] = ["api_base_url", "public_url"]) -> [String: String] {
        var problems: [String: String] = [:]
        for key in keys {
            if let url = self[key], !(url.hasPrefix("https://") || url.hasPrefix("http://")) { problems[key] = "must be an http(s) URL" }
        }
        return problems
    }

    /// The provider's API base URL (`api_base_url`, which tests point at a local fake), without a trailing slash.
    public func apiBaseURL(default fallback: String) -> String {
        let base = self["api_base_url"] ?? fallback
        return base.hasSuffix("/") ? String(base.dropLast()) : base
    }
}
