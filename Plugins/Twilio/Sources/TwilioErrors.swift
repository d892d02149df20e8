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

    /// Classifies an HTTP answer from the Messages API.
    static func outcome(status: UInt, body: Data) -> SendOutcome {
        let json = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        if (200..<300).contains(status) {
            guard let sid = json["sid"] as? String else { return .unknown(detail: "Twilio answered \(status) without a message sid") }
            let segments = (json["num_segments"] as? String).flatMap(Int.init) ?? (json["num_segments"] as? Int)
            return .accepted(providerMessageId: sid, segments: segments.flatMap { $0 > 0 ? $0 : nil })
        }
        let code = (json["code"] as? Int) ?? (json["code"] as? String).flatMap(Int.init)
        let detail = (json["message"] as? String) ?? "HTTP \(status)"
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

    /// Classifies a failure to get an answer. Only a connection that was never made is safe to
    /// retry; once the request may have left, the outcome is unknown (retrying could text twice).
    static func outcome(forTransportError error: any Error) -> SendOutcome {
        if let e = error as? HTTPClientError {
            if e == .connectTimeout || e == .tlsHandshakeTimeout || e == .getConnectionFromPoolTimeout {
                return .retryable(code: "connect", detail: "could not connect to Twilio: \(e)")
            }
            return .unknown(detail: "no answer from Twilio after sending: \(e)")
        }
        if error is NIOConnectionError || (error as? IOError)?.errnoCode == ECONNREFUSED {
            return .retryable(code: "connect", detail: "could not connect to Twilio: \(error)")
        }
        if let channel = error as? ChannelError, case .connectTimeout = channel {
            return .retryable(code: "connect", detail: "could not connect to Twilio: \(error)")
        }
        return .unknown(detail: "no answer from Twilio: \(error)")
    }
}
