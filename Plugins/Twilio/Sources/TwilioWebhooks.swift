import CrierCore
import CrierPluginKit
import Foundation

/// Twilio's webhooks: an incoming SMS, or a message status callback, as a signed form POST.
extension TwilioProvider: SMSWebhooks {
    public var inlineReplies: Bool { true }

    /// X-Twilio-Signature for a form POST of `params` to `url` with `token`: what Twilio would send
    /// (for load tests and for checking a proxy's URL rewriting).
    public static func signature(url: String, params: [(String, String)], token: String) -> String {
        TwilioSignature.compute(url: url, params: params, token: token)
    }

    public func addresses(of request: WebhookRequest, kind: WebhookKind) throws(WebhookError) -> [String] {
        let form = try Self.form(request)
        // Inbound: sent to our number; status: sent from it. A messaging service names the venue too.
        let number = kind == .inbound ? form["To"] : form["From"]
        let addresses = [number, form["MessagingServiceSid"]].compactMap { $0 }.filter { !$0.isEmpty }
        guard !addresses.isEmpty else { throw .malformed(kind == .inbound ? "To is required" : "From or MessagingServiceSid is required") }
        return addresses
    }

    public func parse(_ request: WebhookRequest, kind: WebhookKind, settings: ProviderSettings) throws(WebhookError) -> [WebhookEvent] {
        let pairs = Self.isJSON(request) ? nil : FormBody.decode(request.body)
        guard let token = settings["auth_token"], let signature = request.headers["x-twilio-signature"], !signature.isEmpty,
              TwilioSignature.isValid(url: request.url, body: request.body, form: pairs, signature: signature, token: token)
        else { throw .badSignature }
        let form: [String: String]
        if let pairs { form = Dictionary(pairs, uniquingKeysWith: { first, _ in first }) } else { form = try Self.form(request) }
        // Signed with this venue's token but for another account: not this venue's request.
        if let account = form["AccountSid"], let ours = settings["account_sid"], account != ours { throw .badSignature }
        guard let sid = form["MessageSid"] ?? form["SmsMessageSid"] ?? form["SmsSid"], !sid.isEmpty else {
            throw .malformed("MessageSid is required")
        }
        switch kind {
        case .inbound:
            guard let from = form["From"], !from.isEmpty else { throw .malformed("From is required") }
            guard let to = form["To"] ?? form["MessagingServiceSid"] else { throw .malformed("To is required") }
            let handled = form["OptOutType"].flatMap { $0.isEmpty ? nil : $0.uppercased() }
            return [.inbound(providerMessageId: sid, from: from, to: to, body: form["Body"] ?? "", keywordHandled: handled)]
        case .status:
            guard let status = form["MessageStatus"] ?? form["SmsStatus"] else { throw .malformed("MessageStatus is required") }
            // queued, accepted, sending, scheduled: steps before "sent" that change nothing here.
            guard let report = Self.reports[status.lowercased()] else { return [] }
            let ours = request.query("message_id").flatMap(Int64.init)
            let code = form["ErrorCode"].flatMap { $0.isEmpty || $0 == "0" ? nil : $0 }
            return [.status(messageId: ours, providerMessageId: sid, report: report, errorCode: code,
                            segments: form["NumSegments"].flatMap(Int.init),
                            optedOut: code.flatMap(Int.init).map(TwilioErrors.optedOut.contains) ?? false)]
        }
    }

    public func answer(replies: [String], kind: WebhookKind) -> WebhookAnswer {
        WebhookAnswer(contentType: "text/xml", body: TwiML.response(messages: replies))
    }

    static let reports: [String: DeliveryReport] = [
        "sent": .sent, "delivered": .delivered, "read": .delivered, "undelivered": .undelivered, "failed": .failed,
        "canceled": .failed,
    ]

    static func isJSON(_ request: WebhookRequest) -> Bool {
        request.headers["content-type"]?.lowercased().hasPrefix("application/json") == true
    }

    /// The request's fields: form fields, or a JSON object's string and number values.
    static func form(_ request: WebhookRequest) throws(WebhookError) -> [String: String] {
        if isJSON(request) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any] else {
                throw .malformed("the body is not a JSON object")
            }
            return object.compactMapValues { ($0 as? String) ?? ($0 as? NSNumber)?.stringValue }
        }
        return Dictionary(FormBody.decode(request.body), uniquingKeysWith: { first, _ in first })
    }
}

/// TwiML, the XML Twilio reads a webhook's answer as: each reply a `<Message>`, escaped.
enum TwiML {
    static func response(messages: [String]) -> String {
        guard !messages.isEmpty else { return #"<?xml version="1.0" encoding="UTF-8"?><Response/>"# }
        return #"<?xml version="1.0" encoding="UTF-8"?><Response>"#
            + messages.map { "<Message>\(escape($0))</Message>" }.joined() + "</Response>"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            // Characters XML 1.0 can't carry at all are dropped rather than break the document.
            case _ where c.value < 0x20 && c != "\n" && c != "\r" && c != "\t": continue
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
