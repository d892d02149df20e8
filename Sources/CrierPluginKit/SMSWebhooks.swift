/// The webhook half of a provider: verifying and parsing the requests it sends Crier (inbound
/// texts and delivery reports). Declared with the sending half so a provider plugin is one unit;
/// the inbound milestone mounts `/webhooks/{provider}/inbound|status` on top of it.
public protocol SMSWebhooks: Sendable {
    /// Checks the request's signature against the venue's settings, then reads it. A bad or
    /// missing signature must be `.badSignature`, before anything in the payload is trusted.
    func parse(_ request: WebhookRequest, kind: WebhookKind, settings: ProviderSettings) throws(WebhookError) -> [WebhookEvent]
}

/// Which webhook a request arrived on.
public enum WebhookKind: String, Sendable {
    case inbound, status
}

/// A provider's HTTP request, as received.
public struct WebhookRequest: Sendable {
    /// The URL the provider called, as it saw it (the public URL behind a proxy): signatures cover it.
    public var url: String
    /// Header names lower-cased.
    public var headers: [String: String]
    public var body: [UInt8]

    public init(url: String, headers: [String: String], body: [UInt8]) {
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// What a webhook request reports.
public enum WebhookEvent: Sendable, Equatable {
    /// A text from a customer. `keywordHandled` is set when the provider already answered an
    /// opt-out/opt-in keyword itself (Twilio's OptOutType), so Crier records it without replying.
    case inbound(providerMessageId: String, from: String, to: String, body: String, keywordHandled: String?)
    /// A delivery report for one of Crier's messages, found by our id (from the callback URL) or the provider's.
    case status(messageId: Int64?, providerMessageId: String, report: DeliveryReport, errorCode: String?, segments: Int?)
}

/// Why a webhook request was refused.
public enum WebhookError: Error, Sendable, Equatable {
    /// Missing or wrong signature: answer 403, store and log nothing from the payload.
    case badSignature
    /// Not a request this provider sends: answer 400 with the reason.
    case malformed(String)
}
