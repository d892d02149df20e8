/// A way of sending SMS (Twilio, Vonage, Telnyx, the console). The provider speaks its API; the
/// core decides what each outcome means for the message (DESIGN.md section 4).
public protocol SMSProvider: Sendable {
    /// The plugin id venues name in their settings ("twilio", "console").
    var id: String { get }
    /// Hands one message to the provider. Never throws: every way a send can end is an outcome.
    func send(_ sms: OutboundSMS, settings: ProviderSettings) async -> SendOutcome
    /// The settings a venue may give, and which of them are secrets (never shown back in full).
    var settingKeys: (all: Set<String>, secret: Set<String>) { get }
    /// Problems with a venue's settings by key; empty when they are usable.
    func validate(_ settings: ProviderSettings) -> [String: String]
    /// The numbers and sender ids in a venue's settings that the provider's webhooks name as
    /// their `To` (Twilio: `from` and `messaging_service_sid`), so a request finds its venue.
    func addresses(_ settings: ProviderSettings) -> [String]
}

extension SMSProvider {
    public func addresses(_ settings: ProviderSettings) -> [String] { [] }

    /// A secret shown back: its last four characters, so staff can tell which one is set.
    public func masked(_ settings: ProviderSettings) -> [String: String] {
        settings.values.reduce(into: [:]) { out, pair in
            out[pair.key] = settingKeys.secret.contains(pair.key) ? "…" + String(pair.value.suffix(4)) : pair.value
        }
    }
}

/// One message as a provider sends it.
public struct OutboundSMS: Sendable, Equatable {
    /// Crier's message id: providers put it in the status-callback URL, so a callback that
    /// arrives before the send call returns still finds its message.
    public var messageId: Int64
    /// E.164.
    public var to: String
    /// A number or sender id, when the venue's settings give one.
    public var from: String?
    public var body: String
    /// Where the provider should post delivery reports, if Crier has a public URL.
    public var statusCallbackURL: String?

    public init(messageId: Int64, to: String, from: String?, body: String, statusCallbackURL: String?) {
        self.messageId = messageId
        self.to = to
        self.from = from
        self.body = body
        self.statusCallbackURL = statusCallbackURL
    }
}

/// A venue's settings for its provider (account ids, secrets, sender), by name.
public struct ProviderSettings: Sendable, Equatable {
    public var values: [String: String]
    public init(_ values: [String: String] = [:]) { self.values = values }
    public subscript(_ key: String) -> String? { values[key] }
}

/// How a send ended.
public enum SendOutcome: Sendable, Equatable {
    /// The provider took it; its id settles later callbacks.
    case accepted(providerMessageId: String, segments: Int?)
    /// Worth another try later: timeouts before a response, 5xx, 429, throttling.
    case retryable(code: String?, detail: String)
    /// Never going to work: invalid number, landline, blocked.
    case permanent(code: String?, detail: String)
    /// The recipient opted out at the provider (Twilio 21610): also revokes the customer's SMS consent.
    case optedOut(code: String?, detail: String)
    /// The request may have reached the provider but no answer came back: never resent automatically.
    case unknown(detail: String)
}
