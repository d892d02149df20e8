import CrierCore
import CrierPluginKit
import Foundation

/// Vonage's SMS API webhooks: inbound messages and delivery receipts, as a form POST or a JSON
/// POST (the dashboard's "POST" and "POST-JSON"), signed with the account's signature secret and
/// dated by a signed timestamp no more than five minutes from ours.
extension VonageProvider: SMSWebhooks {
    /// Vonage takes no reply in its webhook's answer: acknowledgements go through the outbox.
    public var inlineReplies: Bool { false }

    public func addresses(of request: WebhookRequest, kind: WebhookKind) throws(WebhookError) -> [String] {
        // Inbound: `to` is our number; a delivery receipt's `to` is the sender it went from.
        guard let to = Self.params(request).first(where: { $0.0 == "to" })?.1, !to.isEmpty else { throw .malformed("to is required") }
        return [VonageSettings.bare(to)]
    }

    public func parse(_ request: WebhookRequest, kind: WebhookKind, settings: ProviderSettings) throws(WebhookError) -> [WebhookEvent] {
        let params = Self.params(request)
        // Only signed webhooks are trusted (Vonage support turns signing on for the account).
        guard let secret = settings["signature_secret"],
              VonageSignature.isValid(params, secret: secret, method: settings["signature_method"].flatMap(VonageSignature.Method.init) ?? .md5hash)
        else { throw .badSignature }
        let field = Dictionary(params, uniquingKeysWith: { first, _ in first })
        // The signed `timestamp` (Unix seconds) dates the request: a captured one replayed later,
        // or one that carries none, is refused like a bad signature.
        guard let stamp = field["timestamp"].flatMap(TimeInterval.init),
              abs(request.receivedAt.timeIntervalSince1970 - stamp) <= Self.tolerance
        else { throw .badSignature }
        if let key = field["api-key"], let ours = settings["api_key"], key != ours { throw .badSignature }
        guard let id = field["messageId"], !id.isEmpty else { throw .malformed("messageId is required") }
        guard let msisdn = field["msisdn"], !msisdn.isEmpty else { throw .malformed("msisdn is required") }
        switch kind {
        case .inbound:
            guard field["type"] != "binary" else { return [] }  // binary (ringtones, WAP) is not a text
            let from = "+" + VonageSettings.bare(msisdn), to = "+" + VonageSettings.bare(field["to"] ?? "")
            let text = field["text"] ?? ""
            if field["concat"] == "true" {
                guard let ref = field["concat-ref"], let part = field["concat-part"].flatMap(Int.init),
                      let total = field["concat-total"].flatMap(Int.init), part >= 1, total >= part, total <= 255
                else { throw .malformed("concat-ref, concat-part and concat-total must describe the part") }
                return [.inboundPart(providerMessageId: id, from: from, to: to, body: text, reference: ref, part: part, total: total)]
            }
            return [.inbound(providerMessageId: id, from: from, to: to, body: text, keywordHandled: nil)]
        case .status:
            guard let status = field["status"] else { throw .malformed("status is required") }
            guard let report = Self.reports[status.lowercased()] else { return [] }  // buffered, unknown: nothing to record
            let code = field["err-code"].flatMap { $0.isEmpty || $0 == "0" ? nil : $0 }
            // client-ref carries Crier's message id (set when sending); the query is checked too.
            let ours = field["client-ref"].flatMap(Int64.init) ?? request.query("message_id").flatMap(Int64.init)
            return [.status(messageId: ours, providerMessageId: id, report: report, errorCode: code, segments: nil)]
        }
    }

    public func answer(replies: [String], kind: WebhookKind) -> WebhookAnswer {
        // Vonage wants a 200 (any body), or it retries.
        WebhookAnswer(contentType: "text/plain", body: "")
    }

    /// How far a request's signed timestamp may be from our clock, either way (as for Telnyx).
    static let tolerance: TimeInterval = 300

    static let reports: [String: DeliveryReport] = [
        "accepted": .sent, "delivered": .delivered, "expired": .undelivered, "failed": .failed, "rejected": .failed,
    ]

    /// The request's parameters: query, then form or JSON body (Vonage can be set to either).
    static func params(_ request: WebhookRequest) -> [(String, String)] {
        var params: [(String, String)] = []
        if let q = request.url.firstIndex(of: "?") { params = FormBody.decode(String(request.url[request.url.index(after: q)...])) }
        if request.headers["content-type"]?.lowercased().hasPrefix("application/json") == true {
            let object = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any] ?? [:]
            for (key, value) in object {
                if let s = value as? String { params.append((key, s)) } else if let n = value as? NSNumber { params.append((key, n.stringValue)) }
            }
        } else {
            params += FormBody.decode(request.body)
        }
        // Our own message_id in the callback URL is not Vonage's: it is not part of the signature.
        return params.filter { $0.0 != "message_id" }
    }
}
