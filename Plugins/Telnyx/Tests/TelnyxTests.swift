import CrierCore
import CrierPluginKit
import Foundation
import Hummingbird
import NIOCore
import LoopbackServer
import Synchronization
import Testing

@testable import Telnyx

/// Telnyx: Ed25519 webhook signatures against the verdicts of Telnyx's own verifier
/// (`scripts/fixtures/telnyx_webhooks.py`), events read once verified, and sending over loopback.
struct TelnyxTests {
    struct Vector: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var body: String
        var headers: [String: String]
        var now: Double
        var valid: Bool
        var testDescription: String { name }
    }
    struct File: Decodable {
        var public_key: String
        var cases: [Vector]
    }

    static let file: File = {
        let url = Bundle.module.url(forResource: "Vectors/signatures", withExtension: "json")!
        return try! JSONDecoder().decode(File.self, from: Data(contentsOf: url))
    }()

    static func settings() -> ProviderSettings { ProviderSettings(["api_key": "KEY", "public_key": file.public_key, "from": "+447700900900"]) }

    @Test(arguments: file.cases)
    func verdictsMatchTelnyxs(_ v: Vector) {
        let request = WebhookRequest(url: "https://crier.example/webhooks/telnyx/inbound", headers: v.headers, body: Array(v.body.utf8),
                                     receivedAt: Date(timeIntervalSince1970: v.now))
        let ours: Bool
        do { _ = try TelnyxProvider().parse(request, kind: .inbound, settings: Self.settings()); ours = true } catch { ours = false }
        #expect(ours == v.valid)
    }

    @Test func aVerifiedInboundTextIsRead() throws {
        let v = try #require(Self.file.cases.first { $0.name == "signed now" })
        let request = WebhookRequest(url: "https://crier.example/webhooks/telnyx/inbound", headers: v.headers, body: Array(v.body.utf8),
                                     receivedAt: Date(timeIntervalSince1970: v.now))
        #expect(try TelnyxProvider().addresses(of: request, kind: .inbound) == ["+447700900900", "400174f4-0a54-4a1e-a7f2-d6d7f6b0f4b1"])
        #expect(try TelnyxProvider().parse(request, kind: .inbound, settings: Self.settings()) == [
            .inbound(providerMessageId: "40317159-3b40-4e3b-8e5d-1d4f3e2c6a01", from: "+447700900123", to: "+447700900900", body: "STOP",
                     keywordHandled: nil),
        ])
        // The same event on the status hook, or with no public key configured.
        #expect(try TelnyxProvider().parse(request, kind: .status, settings: Self.settings()) == [])
        #expect(throws: WebhookError.badSignature) {
            try TelnyxProvider().parse(request, kind: .inbound, settings: ProviderSettings(["api_key": "KEY", "from": "+447700900900"]))
        }
        #expect(throws: WebhookError.malformed("the event names no number of ours")) {
            try TelnyxProvider().addresses(of: WebhookRequest(url: "/", headers: [:], body: Array(#"{"data":{"event_type":"x","payload":{"id":"1"}}}"#.utf8)), kind: .inbound)
        }
    }

    @Test(arguments: [
        (200, #"{"data":{"id":"4031","parts":2}}"#, "accepted 4031 2"),
        (200, #"{"data":{}}"#, "unknown"),
        (422, #"{"errors":[{"code":"40300","title":"Blocked due to STOP message"}]}"#, "opted_out 40300"),
        (422, #"{"errors":[{"code":"10016","title":"Phone number must be in +E.164 format"}]}"#, "permanent 10016"),
        (401, #"{"errors":[{"code":"10009","title":"Authentication failed"}]}"#, "retryable 10009"),
        (429, #"{"errors":[{"code":"10011","title":"Too many requests"}]}"#, "retryable 10011"),
        (503, "", "retryable http_503"),
        (400, #"{"errors":[{"code":"99999"}]}"#, "permanent 99999"),
    ])
    func answers(status: Int, body: String, expected: String) {
        let described: String
        switch TelnyxErrors.outcome(status: UInt(status), body: Data(body.utf8)) {
        case .accepted(let id, let parts): described = "accepted \(id) \(parts.map(String.init) ?? "-")"
        case .unknown: described = "unknown"
        case .optedOut(let code, _): described = "opted_out \(code ?? "")"
        case .permanent(let code, _): described = "permanent \(code ?? "")"
        case .retryable(let code, _): described = "retryable \(code ?? "")"
        }
        #expect(described == expected)
    }

    @Test func sendsJSONWithTheBearerKey() async throws {
        let seen = Mutex<(auth: String?, body: [String: String])>((nil, [:]))
        let router = Router()
        router.post("v2/messages") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 16)
            let json = (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: String] ?? [:]
            seen.withLock { $0 = (request.headers[.authorization], json) }
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: #"{"data":{"id":"40317159-aaaa","parts":1}}"#)))
        }
        try await withLoopbackServer(router) { base in
            let outcome = await TelnyxProvider(timeout: .seconds(20)).send(
                OutboundSMS(messageId: 7, to: "+447700900123", from: nil, body: "Hi", statusCallbackURL: "https://crier.example/webhooks/telnyx/status?message_id=7"),
                settings: ProviderSettings(["api_key": "KEY0123", "from": "+447700900900", "api_base_url": base]))
            #expect(outcome == .accepted(providerMessageId: "40317159-aaaa", segments: 1))
            let (auth, body) = seen.withLock { $0 }
            #expect(auth == "Bearer KEY0123")
            #expect(body == ["from": "+447700900900", "to": "+447700900123", "text": "Hi",
                             "webhook_url": "https://crier.example/webhooks/telnyx/status?message_id=7"])
        }
    }

    @Test func settingsAreChecked() {
        #expect(TelnyxProvider().validate(ProviderSettings(["api_key": "k", "from": "447700", "public_key": "nope"])) == [
            "from": "must be a number in E.164 (+ and digits)",
            "public_key": "must be the base64 Ed25519 public key (32 bytes) from the Telnyx portal",
        ])
        #expect(TelnyxProvider().masked(ProviderSettings(["api_key": "KEY0123456789"])) == ["api_key": "…6789"])
    }
}
