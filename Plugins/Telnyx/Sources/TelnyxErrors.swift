import CrierPluginKit
import Foundation

/// What Telnyx's answers and error codes mean for a message.
enum TelnyxErrors {
    /// The recipient texted STOP to this sender.
    static let optedOut: Set<String> = ["40300"]
    /// Never going to work for this recipient or body.
    static let permanent: Set<String> = [
        "10001", "10002", "10016",  // inactive or invalid number, not E.164
        "40001",  // not routable (a landline)
        "40003",  // blocked as spam, permanently
        "40008",  // undeliverable
        "40009",  // invalid body
        "40012",  // invalid destination
    ]
    /// Busy, throttled or the venue's settings: worth another try later.
    static let retryable: Set<String> = ["10007", "10008", "10009", "10010", "10011", "40002", "40004", "40006", "40011"]

    struct Answer: Decodable {
        struct Message: Decodable {
            var id: String?
            var parts: Int?
        }
        struct Failure: Decodable {
            var code: String?
            var title: String?
            var detail: String?
        }
        var data: Message?
        var errors: [Failure]?
    }

    static func outcome(status: UInt, body: Data) -> SendOutcome {
        let answer = try? JSONDecoder().decode(Answer.self, from: body)
        if (200..<300).contains(status) {
            guard let id = answer?.data?.id else { return .unknown(detail: "Telnyx answered \(status) without a message id") }
            return .accepted(providerMessageId: id, segments: answer?.data?.parts)
        }
        let failure = answer?.errors?.first
        let code = failure?.code ?? "http_\(status)"
        let detail = failure?.detail ?? failure?.title ?? "HTTP \(status)"
        if optedOut.contains(code) { return .optedOut(code: code, detail: detail) }
        if retryable.contains(code) { return .retryable(code: code, detail: detail) }
        if permanent.contains(code) { return .permanent(code: code, detail: detail) }
        return status == 429 || status >= 500 || status == 401 || status == 403
            ? .retryable(code: code, detail: detail) : .permanent(code: code, detail: detail)
    }
}
