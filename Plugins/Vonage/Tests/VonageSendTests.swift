import CrierPluginKit
import Foundation
import Hummingbird
import NIOCore
import LoopbackServer
import Synchronization
import Testing

@testable import Vonage

/// Sending through a stand-in for Vonage's `/sms/json` on loopback, and the meaning of every
/// documented `status` code.
struct VonageSendTests {
    /// Answers `/sms/json` with a fixed body, keeping each request's form.
    final class FakeVonage: Sendable {
        let answer: String
        let forms = Mutex<[[String: String]]>([])
        init(answer: String) { self.answer = answer }

        func run(_ body: @Sendable (String) async throws -> Void) async throws {
            let router = Router()
            router.post("sms/json") { request, _ -> Response in
                let bytes = try await request.body.collect(upTo: 1 << 16)
                self.forms.withLock { $0.append(Dictionary(FormBody.decode(bytes.readableBytesView), uniquingKeysWith: { a, _ in a })) }
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: self.answer)))
            }
            try await withLoopbackServer(router, body)
        }
    }

    static let sms = OutboundSMS(messageId: 42, to: "+447700900123", from: nil, body: "Quiz night on Fri 5 Dec, 7:30pm 🎉",
                                 statusCallbackURL: "https://crier.example/webhooks/vonage/status?message_id=42")

    @Test func sendsTheFormVonageExpectsAndReadsTheAnswer() async throws {
        let fake = FakeVonage(answer: #"{"message-count":"2","messages":[{"to":"447700900123","message-id":"0A0001","status":"0"},{"to":"447700900123","message-id":"0A0002","status":"0"}]}"#)
        try await fake.run { base in
            let provider = VonageProvider(timeout: .seconds(20))
            let outcome = await provider.send(Self.sms, settings: ProviderSettings([
                "api_key": "abcd1234", "api_secret": "s3cret", "from": "+447700900900", "api_base_url": base]))
            #expect(outcome == .accepted(providerMessageId: "0A0001", segments: 2))
            let form = try #require(fake.forms.withLock { $0.first })
            #expect(form["api_key"] == "abcd1234" && form["api_secret"] == "s3cret" && form["from"] == "447700900900")
            #expect(form["to"] == "447700900123" && form["type"] == "unicode" && form["client-ref"] == "42")
            #expect(form["callback"] == "https://crier.example/webhooks/vonage/status?message_id=42" && form["text"] == Self.sms.body)
        }
    }

    @Test func signsInsteadOfSendingTheSecret() async throws {
        let fake = FakeVonage(answer: #"{"message-count":"1","messages":[{"message-id":"0A0003","status":"0"}]}"#)
        try await fake.run { base in
            let provider = VonageProvider(timeout: .seconds(20), now: { Date(timeIntervalSince1970: 1_795_255_200) })
            _ = await provider.send(Self.sms, settings: ProviderSettings([
                "api_key": "abcd1234", "signature_secret": "shh", "signature_method": "md5hash", "from": "CROWN", "api_base_url": base]))
            let form = try #require(fake.forms.withLock { $0.first })
            #expect(form["api_secret"] == nil && form["timestamp"] == "1795255200" && form["from"] == "CROWN")
            #expect(VonageSignature.isValid(form.map { ($0.key, $0.value) }, secret: "shh", method: .md5hash))
        }
    }

    /// Every documented status code and what it means for the message.
    @Test(arguments: [
        ("1", "retryable"), ("2", "permanent"), ("3", "permanent"), ("4", "retryable"), ("5", "retryable"), ("6", "permanent"),
        ("7", "opted_out"), ("8", "retryable"), ("9", "retryable"), ("10", "retryable"), ("11", "retryable"), ("12", "permanent"),
        ("14", "retryable"), ("15", "permanent"), ("22", "permanent"), ("23", "retryable"), ("29", "permanent"), ("32", "retryable"),
        ("33", "permanent"),
    ])
    func statusCodes(code: String, meaning: String) {
        let body = Data(#"{"message-count":"1","messages":[{"status":"\#(code)","error-text":"e\#(code)"}]}"#.utf8)
        let outcome = VonageErrors.outcome(status: 200, body: body)
        switch (outcome, meaning) {
        case (.retryable(code, "e" + code), "retryable"), (.permanent(code, "e" + code), "permanent"), (.optedOut(code, "e" + code), "opted_out"): break
        default: Issue.record("\(code): \(outcome), expected \(meaning)")
        }
    }

    @Test func partlySentLongTextsAndOddAnswers() {
        // One part went, the next was throttled: retrying could text the first part twice.
        let partial = Data(#"{"message-count":"2","messages":[{"message-id":"0A1","status":"0"},{"status":"1","error-text":"Throttled"}]}"#.utf8)
        #expect(VonageErrors.outcome(status: 200, body: partial) == .unknown(detail: "Throttled"))
        #expect(VonageErrors.outcome(status: 200, body: Data("<html>".utf8)) == .unknown(detail: "Vonage answered 200 without messages"))
        #expect(VonageErrors.outcome(status: 503, body: Data()) == .retryable(code: "http_503", detail: "HTTP 503"))
        #expect(VonageErrors.outcome(status: 400, body: Data()) == .permanent(code: "http_400", detail: "HTTP 400"))
    }

    @Test func settingsAreCheckedAndSecretsMasked() {
        let provider = VonageProvider()
        #expect(provider.validate(ProviderSettings([:])) == ["api_key": "is required", "api_secret": "is required (or signature_secret)", "from": "is required"])
        #expect(provider.validate(ProviderSettings(["api_key": "k", "api_secret": "s", "from": "THE CROWN PUB LTD", "signature_method": "crc"]))
                == ["from": "must be a number or a sender id of at most 11 letters and digits", "signature_method": "must be one of md5hash, md5, sha1, sha256, sha512"])
        #expect(provider.masked(ProviderSettings(["api_secret": "abcdef1234", "api_key": "k"])) == ["api_secret": "…1234", "api_key": "k"])
        #expect(provider.addresses(ProviderSettings(["from": "+447700900900"])) == ["447700900900"])
    }
}
