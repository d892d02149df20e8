import CrierCore
import CrierPluginKit
import Foundation
import Testing

@testable import Twilio

/// Signatures checked against vectors from Twilio's own Python library
/// (`scripts/fixtures/twilio_signatures.py`), and the parsing of what a verified request says.
struct TwilioWebhookTests {
    struct Vector: Decodable, CustomTestStringConvertible, Sendable {
        struct Check: Decodable, Sendable {
            var url: String
            var token: String
            var body: String
            var valid: Bool
        }
        var name: String
        var signed_url: String
        var content_type: String
        var signature: String
        var checks: [Check]
        var testDescription: String { name }
    }

    static let vectors: [Vector] = {
        let url = Bundle.module.url(forResource: "Vectors/signatures", withExtension: "json")!
        struct File: Decodable { var cases: [Vector] }
        return try! JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
    }()

    @Test func thereAreVectors() { #expect(Self.vectors.count >= 8) }

    @Test(arguments: vectors)
    func verdictsMatchTwilios(_ v: Vector) {
        for check in v.checks {
            let ours = TwilioSignature.isValid(
                url: check.url, body: Array(check.body.utf8),
                form: v.content_type == "application/json" ? nil : FormBody.decode(check.body), signature: v.signature,
                token: check.token)
            #expect(ours == check.valid, "\(check.url) token \(check.token)")
        }
        if v.content_type != "application/json" {
            let params = FormBody.decode(v.checks[0].body)
            #expect(TwilioSignature.compute(url: v.signed_url, params: params, token: v.checks[0].token) == v.signature)
        }
    }

    static let settings = ProviderSettings(["account_sid": "AC" + String(repeating: "a", count: 32), "auth_token": "12345", "from": "+447700900001"])

    static func request(_ v: Vector) -> WebhookRequest {
        WebhookRequest(url: v.signed_url, headers: ["x-twilio-signature": v.signature, "content-type": v.content_type], body: Array(v.checks[0].body.utf8))
    }

    @Test func anInboundStopIsReadWithTwiliosOwnAnswerNoted() throws {
        let v = try #require(Self.vectors.first { $0.name.hasPrefix("inbound STOP") })
        let provider = TwilioProvider()
        #expect(try provider.addresses(of: Self.request(v), kind: .inbound) == ["+447700900001"])
        #expect(try provider.parse(Self.request(v), kind: .inbound, settings: Self.settings) == [
            .inbound(providerMessageId: "SM1f0e8ae6ade43cb3c0ce4525424e404f", from: "+447700900123", to: "+447700900001", body: "STOP",
                     keywordHandled: "STOP"),
        ])
    }

    @Test func aStatusCallbackCarriesOurMessageId() throws {
        let v = try #require(Self.vectors.first { $0.name.hasPrefix("status callback") })
        let provider = TwilioProvider()
        #expect(try provider.addresses(of: Self.request(v), kind: .status) == ["+447700900001"])
        #expect(try provider.parse(Self.request(v), kind: .status, settings: Self.settings) == [
            .status(messageId: 42, providerMessageId: "SM" + String(repeating: "b", count: 32), report: .delivered, errorCode: nil, segments: nil),
        ])
    }

    @Test func missingWrongOrForeignSignaturesAreRefused() throws {
        let v = try #require(Self.vectors.first { $0.name.hasPrefix("inbound STOP") })
        let provider = TwilioProvider()
        var request = Self.request(v)
        request.headers["x-twilio-signature"] = nil
        #expect(throws: WebhookError.badSignature) { try provider.parse(request, kind: .inbound, settings: Self.settings) }
        request.headers["x-twilio-signature"] = String(v.signature.reversed())
        #expect(throws: WebhookError.badSignature) { try provider.parse(request, kind: .inbound, settings: Self.settings) }
        // Right signature, another venue's token.
        var other = Self.settings
        other.values["auth_token"] = "54321"
        #expect(throws: WebhookError.badSignature) { try provider.parse(Self.request(v), kind: .inbound, settings: other) }
        // Right token, another account named in the request.
        other = Self.settings
        other.values["account_sid"] = "AC" + String(repeating: "b", count: 32)
        #expect(throws: WebhookError.badSignature) { try provider.parse(Self.request(v), kind: .inbound, settings: other) }
        // No token configured: nothing can be verified.
        #expect(throws: WebhookError.badSignature) { try provider.parse(Self.request(v), kind: .inbound, settings: ProviderSettings()) }
    }

    @Test func malformedRequestsSayWhy() {
        let provider = TwilioProvider()
        let empty = WebhookRequest(url: "https://x/webhooks/twilio/inbound", headers: [:], body: [])
        #expect(throws: WebhookError.malformed("To is required")) { try provider.addresses(of: empty, kind: .inbound) }
        let badJSON = WebhookRequest(url: "https://x/webhooks/twilio/status", headers: ["content-type": "application/json"], body: Array("[1,".utf8))
        #expect(throws: WebhookError.malformed("the body is not a JSON object")) { try provider.addresses(of: badJSON, kind: .status) }
    }

    @Test func twimlIsEscaped() {
        #expect(TwiML.response(messages: []) == #"<?xml version="1.0" encoding="UTF-8"?><Response/>"#)
        #expect(TwiML.response(messages: ["Fish & Chips <b>\"yes\" 'no'\u{7}"]) ==
                #"<?xml version="1.0" encoding="UTF-8"?><Response><Message>Fish &amp; Chips &lt;b&gt;&quot;yes&quot; &apos;no&apos;</Message></Response>"#)
    }
}
