import AsyncHTTPClient
import CrierPluginKit
import Foundation
import NIOCore
import NIOPosix

/// What Twilio's answers mean for a message: retry, give up, opted out, or unknown.
enum TwilioErrors {
    /// Twilio error codes that will never succeed for this recipient or body.
    static let permanent: Set<Int> = [
        21211,  // invalid 'To' number
        21614,  // 'To' is not a mobile number (a landline)
        21612,  // 'To' unreachable from this sender
        21408,  // no permission to send to this region
        21606, 21659,  // 'From' can't send SMS
        21617,  // body too long
        21602,  // body required
        30007, 30008,  // carrier filtered / unknown error
    ]
    /// The recipient replied STOP to this sender: revoke consent, never retry.
    static let optedOut: Set<Int> = [21610]
    /// Busy or throttled: worth another try later.
    static let retryable: Set<Int> = [20429, 20500, 20503, 30001]

    /// The fields of a Messages API answer that matter here. Twilio sends `num_segments` as a
    /// string and `code` as a number; either form is read.
    struct Answer: Decodable {
        var sid: String?
        var numSegments: Int?
        var code: Int?
        var message: String?

        enum Keys: String, CodingKey { case sid, num_segments, code, message }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Keys.self)
            sid = try? c.decodeIfPresent(String.self, forKey: .sid)
            numSegments = Self.number(c, .num_segments)
            code = Self.number(c, .code)
            message = try? c.decodeIfPresent(String.self, forKey: .message)
        }

        static func number(_ c: KeyedDecodingContainer<Keys>, _ key: Keys) -> Int? {
            if let n = try? c.decodeIfPresent(Int.self, forKey: key) { return n }
            return (try? c.decodeIfPresent(String.self, forKey: key)).flatMap { $0.flatMap(Int.init) }
        }
    }

    /// Classifies an HTTP answer from the Messages API.
    static func outcome(status: UInt, body: Data) -> SendOutcome {
        let answer = try? JSONDecoder().decode(Answer.self, from: body)
        if (200..<300).contains(status) {
            guard let sid = answer?.sid else { return .unknown(detail: "Twilio answered \(status) without a message sid") }
            return .accepted(providerMessageId: sid, segments: answer?.numSegments.flatMap { $0 > 0 ? $0 : nil })
        }
        let code = answer?.code
        let detail = answer?.message ?? "HTTP \(status)"
        let codeText = code.map(String.init) ?? "http_\(status)"
        if let code, optedOut.contains(code) { return .optedOut(code: codeText, detail: detail) }
        if let code, retryable.contains(code) { return .retryable(code: codeText, detail: detail) }
        if let code, permanent.contains(code) { return .permanent(code: codeText, detail: detail) }
        switch status {
        case 429, 500...599: return .retryable(code: codeText, detail: detail)
        // Bad credentials are the venue's settings, not the message: retry while staff fix them.
        case 401, 403: return .retryable(code: codeText, detail: detail)
        default: return .permanent(code: codeText, detail: detail)
        }
    }
}
