import CrierPluginKit
import Foundation

/// What the SMS API's per-message `status` codes mean for a message.
enum VonageErrors {
    /// Busy, out of credit, or a settings problem staff can fix: worth another try later.
    static let retryable: Set<String> = [
        "1",  // throttled
        "4",  // invalid credentials
        "5",  // internal error
        "8",  // partner account barred
        "9",  // partner quota violation (no credit)
        "10",  // too many existing binds
        "11",  // account not enabled for HTTP
        "14",  // invalid signature
        "23",  // invalid callback URL
        "32",  // signature and API secret both given
    ]
    /// The recipient is on the barred list (they opted out): revoke consent, never retry.
    static let optedOut: Set<String> = ["7"]

    /// The fields of an answer that matter here.
    struct Answer: Decodable {
        struct Part: Decodable {
            var status: String?
            var messageId: String?
            var errorText: String?
            enum CodingKeys: String, CodingKey {
                case status
                case messageId = "message-id"
                case errorText = "error-text"
            }
        }
        var messageCount: String?
        var messages: [Part]?
        enum CodingKeys: String, CodingKey {
            case messageCount = "message-count"
            case messages
        }
    }

    /// Classifies an HTTP answer from `/sms/json`. A long text is sent as parts: the first part's id
    /// stands for the message, and every part must have been accepted.
    static func outcome(status: UInt, body: Data) -> SendOutcome {
        guard (200..<300).contains(status) else {
            let detail = "HTTP \(status)"
            return status == 429 || status >= 500 || status == 401 ? .retryable(code: "http_\(status)", detail: detail)
                : .permanent(code: "http_\(status)", detail: detail)
        }
        guard let answer = try? JSONDecoder().decode(Answer.self, from: body), let parts = answer.messages, !parts.isEmpty else {
            return .unknown(detail: "Vonage answered \(status) without messages")
        }
        if let failed = parts.first(where: { $0.status != "0" }) {
            let code = failed.status ?? "?"
            let detail = failed.errorText ?? "status \(code)"
            if optedOut.contains(code) { return .optedOut(code: code, detail: detail) }
            if retryable.contains(code) {
                // Some parts may already have gone: a retry could send them twice, so the outcome is unknown.
                return parts.count > 1 && parts.contains { $0.status == "0" } ? .unknown(detail: detail) : .retryable(code: code, detail: detail)
            }
            return .permanent(code: code, detail: detail)
        }
        guard let id = parts[0].messageId else { return .unknown(detail: "Vonage accepted the message without an id") }
        return .accepted(providerMessageId: id, segments: Int(answer.messageCount ?? "") ?? parts.count)
    }
}
