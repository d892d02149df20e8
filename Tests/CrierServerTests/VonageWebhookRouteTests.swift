import CrierCore
import CrierPluginKit
import CrierServer
import CrierStore
import CrierTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import Testing

@testable import Vonage

/// `/webhooks/vonage/...` through the real router: signed webhooks, long texts in parts, and
/// acknowledgements sent through the outbox (Vonage takes no reply in its answer).
struct VonageWebhookRouteTests {
    static let settings = ["api_key": "abcd1234", "signature_secret": "shh", "signature_method": "sha256", "from": "+447700900900"]

    struct Hooks: Sendable {
        let client: any TestClientProtocol
        let store: Store
        let venue: Venue
        let ann: Customer
        let sender: ScriptedProvider
        let dispatcher: Dispatcher

        func post(_ kind: String, _ params: [(String, String)], secret: String = "shh") async throws -> HTTPResponse.Status {
            let signed = params + [("sig", VonageSignature.compute(params, secret: secret, method: .sha256))]
            let response = try await client.executeRequest(
                uri: "/webhooks/vonage/\(kind)", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: FormBody.encode(signed)))
            return response.status
        }

        func text(_ body: String, id: String, extra: [(String, String)] = []) async throws -> HTTPResponse.Status {
            try await post("inbound", [("msisdn", "447700900000"), ("to", "447700900900"), ("messageId", id), ("text", body), ("type", "text"),
                                       ("api-key", "abcd1234"), ("timestamp", Self.signedAt)] + extra)
        }

        /// The signed timestamp: the test clock's now (Vonage's requests are dated within five minutes).
        static let signedAt = String(Int(testNow.timeIntervalSince1970))

        func messages() async throws -> [Message] {
            try await store.messages.list(venueId: venue.id, filter: MessageFilter(), cursor: nil, limit: 100).items
        }
    }

    static func run(_ engine: EngineKind, _ body: @Sendable (Hooks) async throws -> Void) async throws {
        try await withTestStore(engine) { store in
            let venue = try await store.makeVenue()
            try await store.venues.setProvider(
                venueId: venue.id, id: "vonage", settings: settings, addresses: VonageProvider().addresses(ProviderSettings(settings)), actor: .system)
            let ann = try await store.makeCustomer(venue)
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let hooks = try Dispatcher(store: store, providers: [VonageProvider()], publicURL: "https://crier.example", logger: logger)
            // Sends go to a scripted stand-in under Vonage's id; the webhooks are the real plugin's.
            let sender = ScriptedProvider(id: "vonage")
            let dispatcher = try Dispatcher(store: store, providers: [sender], publicURL: "https://crier.example", logger: logger)
            let app = Application(router: try CrierServer.router(store: store, registry: PrometheusCollectorRegistry(), dispatcher: hooks))
            try await app.test(.router) { client in
                try await body(Hooks(client: client, store: store, venue: venue, ann: ann, sender: sender, dispatcher: dispatcher))
            }
        }
    }

    @Test(arguments: TestEngines.all)
    func stopIsAcknowledgedThroughTheOutboxEvenThoughConsentIsGone(engine: EngineKind) async throws {
        try await Self.run(engine) { h async throws -> Void in
            let event = try await h.store.makeEvent(h.venue, days: 10)
            _ = try await h.store.bookings.create(venue: h.venue, customerId: h.ann.id, eventId: event.id, seats: 2, notes: nil, source: .api, actor: .system)
            #expect(try await h.text("stop", id: "0A01") == .ok)
            #expect(try await h.store.consents.get(venueId: h.venue.id, customerId: h.ann.id).state.transactional == false)
            let report = try await h.dispatcher.runUntilIdle()
            #expect(report.sent == 1)
            #expect(h.sender.sent.map(\.body) == ["You've been unsubscribed from Crown texts. Reply START to subscribe again."])
            #expect(h.sender.sent.first?.to == "+447700900000")
            // Vonage redelivers: nothing happens twice.
            #expect(try await h.text("stop", id: "0A01") == .ok)
            #expect(try await h.dispatcher.runUntilIdle().claimed == 0)
            #expect(try await h.post("inbound", [("msisdn", "447700900000"), ("to", "447700900900"), ("messageId", "0A09"), ("text", "START")],
                                     secret: "wrong") == .forbidden)
        }
    }

    @Test(arguments: TestEngines.all)
    func aLongTextIsHandledOnceAllItsPartsAreIn(engine: EngineKind) async throws {
        try await Self.run(engine) { h async throws -> Void in
            func part(_ n: Int, _ text: String, id: String) async throws -> HTTPResponse.Status {
                try await h.text(text, id: id, extra: [("concat", "true"), ("concat-ref", "12"), ("concat-total", "3"), ("concat-part", "\(n)")])
            }
            #expect(try await part(3, "the end.", id: "P3") == .ok)
            #expect(try await part(1, "Hello, can we move our ", id: "P1") == .ok)
            #expect(try await h.messages().filter { $0.direction == .in }.isEmpty)
            #expect(try await part(2, "table to 8pm? Thanks, ", id: "P2") == .ok)
            #expect(try await part(2, "table to 8pm? Thanks, ", id: "P2") == .ok)  // redelivered
            let inbound = try await h.messages().filter { $0.direction == .in }
            #expect(inbound.map(\.body) == ["Hello, can we move our table to 8pm? Thanks, the end."])
            #expect(inbound.first?.customerId == h.ann.id && inbound.first?.providerMessageId == "P1")
        }
    }

    @Test(arguments: TestEngines.all)
    func deliveryReceiptsFindTheirMessageByClientRef(engine: EngineKind) async throws {
        try await Self.run(engine) { h async throws -> Void in
            let event = try await h.store.makeEvent(h.venue, days: 10)
            _ = try await h.store.bookings.create(venue: h.venue, customerId: h.ann.id, eventId: event.id, seats: 2, notes: nil, source: .api, actor: .system)
            #expect(try await h.dispatcher.runUntilIdle().sent == 1)
            let confirmation = try #require(try await h.messages().first { $0.kind == .confirmation })
            let receipt = [("msisdn", "447700900000"), ("to", "447700900900"), ("messageId", confirmation.providerMessageId ?? ""),
                           ("status", "delivered"), ("err-code", "0"), ("client-ref", "\(confirmation.id)"), ("api-key", "abcd1234"), ("timestamp", Hooks.signedAt)]
            #expect(try await h.post("status", receipt) == .ok)
            #expect(try await h.store.messages.get(venueId: h.venue.id, id: confirmation.id).message.status == .delivered)
        }
    }

    /// A correctly signed STOP captured and replayed ten days later, or sent without a timestamp,
    /// is refused (403) and changes nothing; the same text signed now goes through.
    @Test(arguments: TestEngines.all)
    func replayedOrUndatedWebhooksChangeNothing(engine: EngineKind) async throws {
        try await Self.run(engine) { h async throws -> Void in
            let stop = [("msisdn", "447700900000"), ("to", "447700900900"), ("messageId", "0R01"), ("text", "STOP"), ("type", "text"),
                        ("api-key", "abcd1234")]
            let tenDaysAgo = String(Int(testNow.timeIntervalSince1970) - 10 * 86_400)
            #expect(try await h.post("inbound", stop + [("timestamp", tenDaysAgo)]) == .forbidden)
            #expect(try await h.post("inbound", stop + [("timestamp", "1500000000")]) == .forbidden)
            #expect(try await h.post("inbound", stop) == .forbidden)
            #expect(try await h.messages().isEmpty)
            #expect(try await h.store.consents.get(venueId: h.venue.id, customerId: h.ann.id).state.transactional == true)
            #expect(try await h.post("inbound", stop + [("timestamp", Hooks.signedAt)]) == .ok)
            #expect(try await h.store.consents.get(venueId: h.venue.id, customerId: h.ann.id).state.transactional == false)
        }
    }
}
