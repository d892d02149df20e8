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

    /// The sender whose send rate a provider limits (a number, a sender id, a messaging service),
    /// from a venue's settings; nil: the venue's account as a whole. The dispatcher's token bucket
    /// is keyed by it, so it never has to know any provider's setting names.
    public func rateLimitKey(_ settings: ProviderSettings) -> String? { addresses(settings).first }

    /// The number or sender id texts go out from, as recorded on the message (`from`, by the kit's
    /// convention); nil when the provider picks one (a messaging service).
    public func senderNumber(_ settings: ProviderSettings) -> String? { settings["from"] }

    /// The base URL this provider calls Crier at, when a venue's settings give one (behind a proxy):
    /// status callbacks are built on it, and webhook signatures are checked against it.
    public func publicURL(_ settings: ProviderSettings) -> String? {
        settings["public_url"].flatMap { $0.isEmpty ? nil : ($0.hasSuffix("/") ? String($0.dropLast()) : $0) }
    }

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
