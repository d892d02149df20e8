import CrierCore
import CrierPluginKit
import Foundation
import Testing

@testable import Vonage

/// `sig` checked against vectors from Vonage's SDK (`scripts/fixtures/vonage_signatures.py`), and
/// the webhooks read once verified.
struct VonageSignatureTests {
    struct Vector: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var method: String
        var secret: String
        var params: [String: String]
        var sig: String
        var testDescription: String { name }
    }

    static let vectors: [Vector] = {
        struct File: Decodable { var cases: [Vector] }
        let url = Bundle.module.url(forResource: "Vectors/signatures", withExtension: "json")!
        return try! JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
    }()

    @Test func everyMethodHasVectors() {
        #expect(Set(Self.vectors.map(\.method)) == Set(VonageSignature.Method.allCases.map(\.rawValue)))
    }

    @Test(arguments: vectors)
    func matchesVonage(_ v: Vector) throws {
        let method = try #require(VonageSignature.Method(rawValue: v.method))
        let params = v.params.map { ($0.key, $0.value) }
        #expect(VonageSignature.compute(params, secret: v.secret, method: method) == v.sig)
        #expect(VonageSignature.isValid(params + [("sig", v.sig.uppercased())], secret: v.secret, method: method))
        #expect(!VonageSignature.isValid(params + [("sig", v.sig)], secret: v.secret + "x", method: method))
        let tampered = params.map { $0.0 == "to" ? ($0.0, $0.1 + "1") : $0 }
        #expect(!VonageSignature.isValid(tampered + [("sig", v.sig)], secret: v.secret, method: method))
        #expect(!VonageSignature.isValid(params, secret: v.secret, method: method))  // no sig at all
    }

    static let settings = ProviderSettings(["api_key": "abcd1234", "signature_secret": "shh", "signature_method": "sha256", "from": "447700900900"])

    /// When the webhooks below arrive: 30 s after the `timestamp` they are signed with.
    static let arrival = Date(timeIntervalSince1970: 1_795_255_230)

    /// A webhook as Vonage posts it, signed with `secret`.
    static func request(_ params: [(String, String)], secret: String = "shh", json: Bool = false, path: String = "/webhooks/vonage/inbound",
                        receivedAt: Date = arrival) -> WebhookRequest
    {
        let signed = params + [("sig", VonageSignature.compute(params, secret: secret, method: .sha256))]
        if json {
            let body = try! JSONSerialization.data(withJSONObject: Dictionary(uniqueKeysWithValues: signed))
            return WebhookRequest(url: "https://crier.example" + path, headers: ["content-type": "application/json"], body: Array(body),
                                  receivedAt: receivedAt)
        }
        return WebhookRequest(url: "https://crier.example" + path, headers: ["content-type": "application/x-www-form-urlencoded"],
                              body: Array(FormBody.encode(signed).utf8), receivedAt: receivedAt)
    }

    static let inbound = [("msisdn", "447700900123"), ("to", "447700900900"), ("messageId", "0A01"), ("text", "Stop"), ("type", "text"),
                          ("api-key", "abcd1234"), ("timestamp", "1795255200")]

    @Test(arguments: [false, true])
    func anInboundTextAsFormOrJSON(json: Bool) throws {
        let provider = VonageProvider()
        let request = Self.request(Self.inbound, json: json)
        #expect(try provider.addresses(of: request, kind: .inbound) == ["447700900900"])
        #expect(try provider.parse(request, kind: .inbound, settings: Self.settings) == [
            .inbound(providerMessageId: "0A01", from: "+447700900123", to: "+447700900900", body: "Stop", keywordHandled: nil),
        ])
    }

    @Test func partsOfALongTextAreReportedAsParts() throws {
        let part = Self.inbound.map { $0.0 == "text" ? ($0.0, "first half ") : $0 }
            + [("concat", "true"), ("concat-ref", "7"), ("concat-total", "2"), ("concat-part", "1")]
        #expect(try VonageProvider().parse(Self.request(part), kind: .inbound, settings: Self.settings) == [
            .inboundPart(providerMessageId: "0A01", from: "+447700900123", to: "+447700900900", body: "first half ", reference: "7", part: 1, total: 2),
        ])
        let broken = part.map { $0.0 == "concat-part" ? ($0.0, "3") : $0 }
        #expect(throws: WebhookError.malformed("concat-ref, concat-part and concat-total must describe the part")) {
            try VonageProvider().parse(Self.request(broken), kind: .inbound, settings: Self.settings)
        }
    }

    @Test func deliveryReceipts() throws {
        let receipt = [("msisdn", "447700900123"), ("to", "447700900900"), ("messageId", "0A02"), ("status", "expired"), ("err-code", "5"),
                       ("client-ref", "42"), ("api-key", "abcd1234"), ("timestamp", "1795255200")]
        #expect(try VonageProvider().parse(Self.request(receipt, path: "/webhooks/vonage/status"), kind: .status, settings: Self.settings) == [
            .status(messageId: 42, providerMessageId: "0A02", report: .undelivered, errorCode: "5", segments: nil),
        ])
        let buffered = receipt.map { $0.0 == "status" ? ($0.0, "buffered") : $0 }
        #expect(try VonageProvider().parse(Self.request(buffered), kind: .status, settings: Self.settings) == [])
    }

    @Test func unsignedForgedOrForeignRequestsAreRefused() {
        let provider = VonageProvider()
        #expect(throws: WebhookError.badSignature) { try provider.parse(Self.request(Self.inbound, secret: "guess"), kind: .inbound, settings: Self.settings) }
        let unsigned = WebhookRequest(url: "https://crier.example/webhooks/vonage/inbound", headers: [:], body: Array(FormBody.encode(Self.inbound).utf8))
        #expect(throws: WebhookError.badSignature) { try provider.parse(unsigned, kind: .inbound, settings: Self.settings) }
        // No signature secret configured: nothing can be verified.
        var noSecret = Self.settings
        noSecret.values["signature_secret"] = nil
        #expect(throws: WebhookError.badSignature) { try provider.parse(Self.request(Self.inbound), kind: .inbound, settings: noSecret) }
        // Signed, but for another account's api key.
        let foreign = Self.inbound.map { $0.0 == "api-key" ? ($0.0, "other") : $0 }
        #expect(throws: WebhookError.badSignature) { try provider.parse(Self.request(foreign), kind: .inbound, settings: Self.settings) }
    }

    struct Replay: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var timestamp: String?
        var accepted: Bool
    }

    /// A correctly signed request is refused unless its signed timestamp is within five minutes
    /// of its arrival (`arrival` is 1795255230), either way: a replay days or years later, or a
    /// request that carries no timestamp to judge by.
    @Test(arguments: [
        Replay(testDescription: "30 s old", timestamp: "1795255200", accepted: true),
        Replay(testDescription: "five minutes old", timestamp: "1795254930", accepted: true),
        Replay(testDescription: "five minutes and a second old", timestamp: "1795254929", accepted: false),
        Replay(testDescription: "five minutes ahead", timestamp: "1795255530", accepted: true),
        Replay(testDescription: "six minutes ahead", timestamp: "1795255590", accepted: false),
        Replay(testDescription: "ten days old", timestamp: "1794391230", accepted: false),
        Replay(testDescription: "from 2017", timestamp: "1500000000", accepted: false),
        Replay(testDescription: "no timestamp", timestamp: nil, accepted: false),
        Replay(testDescription: "not a number", timestamp: "yesterday", accepted: false),
    ])
    func signedRequestsOutsideFiveMinutesAreRefused(_ replay: Replay) throws {
        let params = Self.inbound.filter { $0.0 != "timestamp" } + (replay.timestamp.map { [("timestamp", $0)] } ?? [])
        for json in [false, true] {
            let request = Self.request(params, json: json)
            if replay.accepted {
                #expect(try VonageProvider().parse(request, kind: .inbound, settings: Self.settings).count == 1)
            } else {
                #expect(throws: WebhookError.badSignature) { try VonageProvider().parse(request, kind: .inbound, settings: Self.settings) }
            }
        }
    }
}
