import Crypto
import CrierCore
import CrierPluginKit
import Foundation

/// Telnyx's webhooks: JSON events (`message.received`, `message.sent`, `message.finalized`) signed
/// with Ed25519 over `"{telnyx-timestamp}|{raw body}"`; requests older (or newer) than five minutes
/// are refused, so a captured request can't be replayed later.
extension TelnyxProvider: SMSWebhooks {
    public var inlineReplies: Bool { false }

    static let tolerance: TimeInterval = 300

    struct Event: Decodable {
        struct Data: Decodable {
            var event_type: String
            var payload: Payload
        }
        struct Payload: Decodable {
            struct Party: Decodable {
                var phone_number: String?
                var status: String?
            }
            struct Failure: Decodable { var code: String? }
            var id: String
            var from: Party?
            var to: [Party]?
            var text: String?
            var messaging_profile_id: String?
            var parts: Int?
            var errors: [Failure]?
        }
        var data: Data
    }

    static func event(_ request: WebhookRequest) throws(WebhookError) -> Event {
        do { return try JSONDecoder().decode(Event.self, from: Data(request.body)) } catch {
            throw .malformed("not a Telnyx event: \(String(describing: error).prefix(120))")
        }
    }

    public func addresses(of request: WebhookRequest, kind: WebhookKind) throws(WebhookError) -> [String] {
        let payload = try Self.event(request).data.payload
        // Inbound: sent to our number; a status event: sent from it. The messaging profile names the venue too.
        let number = kind == .inbound ? payload.to?.first?.phone_number : payload.from?.phone_number
        let addresses = [number, payload.messaging_profile_id].compactMap { $0 }.filter { !$0.isEmpty }
        guard !addresses.isEmpty else { throw .malformed("the event names no number of ours") }
        return addresses
    }

    public func parse(_ request: WebhookRequest, kind: WebhookKind, settings: ProviderSettings) throws(WebhookError) -> [WebhookEvent] {
        guard let key = settings["public_key"].flatMap({ Data(base64Encoded: $0) }),
              let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: key),
              let signature = request.headers["telnyx-signature-ed25519"].flatMap({ Data(base64Encoded: $0) }),
              let stamp = request.headers["telnyx-timestamp"], let seconds = TimeInterval(stamp),
              abs(request.receivedAt.timeIntervalSince1970 - seconds) <= Self.tolerance,
              publicKey.isValidSignature(signature, for: Data((stamp + "|").utf8) + Data(request.body))
        else { throw .badSignature }
        let event = try Self.event(request).data
        let payload = event.payload
        switch (kind, event.event_type) {
        case (.inbound, "message.received"):
            guard let from = payload.from?.phone_number, let to = payload.to?.first?.phone_number else {
                throw .malformed("from and to are required")
            }
            return [.inbound(providerMessageId: payload.id, from: from, to: to, body: payload.text ?? "", keywordHandled: nil)]
        case (.status, "message.sent"), (.status, "message.finalized"):
            guard let state = payload.to?.first?.status, let report = Self.reports[state] else { return [] }
            return [.status(messageId: request.query("message_id").flatMap(Int64.init), providerMessageId: payload.id, report: report,
                            errorCode: payload.errors?.first?.code, segments: payload.parts)]
        default:
            return []  // other events (and events on the other hook) need nothing from Crier
        }
    }

    public func answer(replies: [String], kind: WebhookKind) -> WebhookAnswer {
        WebhookAnswer(contentType: "text/plain", body: "")
    }

    static let reports: [String: DeliveryReport] = [
        "sent": .sent, "delivered": .delivered, "delivery_failed": .undelivered, "sending_failed": .failed,
    ]
}
