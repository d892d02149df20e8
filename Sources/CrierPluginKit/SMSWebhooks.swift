import CrierCore
import Foundation

/// The webhook half of a provider: verifying and parsing the requests it sends Crier (inbound
/// texts and delivery reports), and the answer it expects. The core mounts
/// `/webhooks/{provider}/inbound|status`, finds the venue, and decides what happens.
public protocol SMSWebhooks: Sendable {
    /// What, read without trusting it yet, names the venue the request is for: the number or sender
    /// id it was sent to (inbound) or from (status), in the order to try. The venue's settings,
    /// found through these, are what `parse` verifies the request with.
    func addresses(of request: WebhookRequest, kind: WebhookKind) throws(WebhookError) -> [String]
    /// Checks the request's signature against the venue's settings, then reads it. A bad or
    /// missing signature must be `.badSignature`, before anything in the payload is trusted.
    func parse(_ request: WebhookRequest, kind: WebhookKind, settings: ProviderSettings) throws(WebhookError) -> [WebhookEvent]
    /// The answer to a request that was handled. With `inlineReplies`, it carries `replies` (Twilio's
    /// TwiML); otherwise `replies` is empty and Crier sends them through the outbox.
    func answer(replies: [String], kind: WebhookKind) -> WebhookAnswer
    /// Whether replies go back in the webhook's answer; if not, Crier sends them through the outbox.
    var inlineReplies: Bool { get }
}

/// Which webhook a request arrived on.
public enum WebhookKind: String, Sendable, CaseIterable {
    case inbound, status
}

/// A provider's HTTP request, as received.
public struct WebhookRequest: Sendable {
    /// The URL the provider called, as it saw it (the public URL behind a proxy): signatures cover it.
    public var url: String
    /// Header names lower-cased.
    public var headers: [String: String]
    public var body: [UInt8]
    /// When it arrived, by the server's clock (the test clock in tests): replay windows use it.
    public var receivedAt: Date

    public init(url: String, headers: [String: String], body: [UInt8], receivedAt: Date = Date()) {
        self.url = url
        self.headers = headers
        self.body = body
        self.receivedAt = receivedAt
    }

    /// A query parameter of the URL (Crier puts its message id in status-callback URLs).
    public func query(_ name: String) -> String? {
        guard let q = url.firstIndex(of: "?") else { return nil }
        return FormBody.decode(String(url[url.index(after: q)...].prefix { $0 != "#" })).first { $0.0 == name }?.1
    }
}

/// The HTTP answer a provider expects.
public struct WebhookAnswer: Sendable, Equatable {
    public var status: Int
    public var contentType: String
    public var body: String

    public init(status: Int = 200, contentType: String, body: String) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }
}

/// What a webhook request reports.
public enum WebhookEvent: Sendable, Equatable {
    /// A text from a customer. `keywordHandled` is set when the provider already answered an
    /// opt-out/opt-in keyword itself (Twilio's OptOutType), so Crier records it without replying.
    case inbound(providerMessageId: String, from: String, to: String, body: String, keywordHandled: String?)
    /// One part of a long text the provider delivers in pieces (Vonage's `concat`): Crier keeps the
    /// parts and handles the text once all `total` parts with this `reference` from this sender are in.
    case inboundPart(providerMessageId: String, from: String, to: String, body: String, reference: String, part: Int, total: Int)
    /// A delivery report for one of Crier's messages, found by our id (from the callback URL) or the provider's.
    /// `optedOut`: the provider refused it because the recipient opted out with it (Twilio's 21610),
    /// which also revokes the customer's consent; the provider says so, the core names no codes.
    case status(messageId: Int64?, providerMessageId: String, report: DeliveryReport, errorCode: String?, segments: Int?,
                optedOut: Bool = false)
}

/// Why a webhook request was refused.
public enum WebhookError: Error, Sendable, Equatable {
    /// Missing or wrong signature: answer 403, store and log nothing from the payload.
    case badSignature
    /// Not a request this provider sends: answer 400 with the reason.
    case malformed(String)
}
