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

@testable import Twilio

/// `/webhooks/twilio/inbound|status` through the real router, signed as Twilio signs, on both engines.
struct TwilioWebhookRouteTests {
    static let number = "+447700900900"
    static let sid = "AC" + String(repeating: "a", count: 32)
    static let token = "venue-token"
    static let base = "https://crier.example"

    struct Hooks: Sendable {
        let client: any TestClientProtocol
        let store: Store
        let venue: Venue
        let ann: Customer

        struct Reply: Sendable {
            let status: HTTPResponse.Status
            let body: String
        }

        /// Posts a form to a webhook, signed with `token` over `signedBase` + path unless `signature` is given.
        @discardableResult
        func post(_ path: String, _ fields: [(String, String)], token: String = TwilioWebhookRouteTests.token,
                  signedBase: String = TwilioWebhookRouteTests.base, signature: String?? = .none) async throws -> Reply {
            var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            let computed = TwilioSignature.compute(url: signedBase + path, params: fields, token: token)
            if let value = signature ?? computed { headers[.init("X-Twilio-Signature")!] = value }
            let response = try await client.executeRequest(
                uri: path, method: .post, headers: headers, body: ByteBuffer(string: FormBody.encode(fields)))
            return Reply(status: response.status, body: String(buffer: response.body))
        }

        /// An inbound text as Twilio posts it.
        @discardableResult
        func text(_ body: String, from: String = "+447700900000", sid: String = UUID().uuidString, optOutType: String? = nil,
                  to: String = TwilioWebhookRouteTests.number) async throws -> Reply {
            var fields = [("MessageSid", sid), ("SmsMessageSid", sid), ("AccountSid", TwilioWebhookRouteTests.sid), ("From", from),
                          ("To", to), ("Body", body), ("NumSegments", "1")]
            if let optOutType { fields.append(("OptOutType", optOutType)) }
            return try await post("/webhooks/twilio/inbound", fields)
        }

        func inbound() async throws -> [Message] {
            try await store.messages.list(venueId: venue.id, filter: MessageFilter(), cursor: nil, limit: 200).items.filter { $0.direction == .in }
        }

        func outbound(_ kind: MessageKind) async throws -> [Message] {
            try await store.messages.list(venueId: venue.id, filter: MessageFilter(kind: kind), cursor: nil, limit: 200).items
        }

        func consent() async throws -> (state: ConsentState, history: [ConsentChange]) {
            try await store.consents.get(venueId: venue.id, customerId: ann.id)
        }
    }

    static func run(_ engine: EngineKind, settings extra: [String: String] = [:], _ body: @Sendable (Hooks) async throws -> Void) async throws {
        try await withTestStore(engine) { store in
            let venue = try await store.makeVenue()
            let twilio = TwilioProvider()
            let settings = ["account_sid": sid, "auth_token": token, "from": number].merging(extra) { _, new in new }
            try await store.venues.setProvider(
                venueId: venue.id, id: "twilio", settings: settings, addresses: twilio.addresses(ProviderSettings(settings)), actor: .system)
            let ann = try await store.makeCustomer(venue)
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let dispatcher = try Dispatcher(store: store, providers: [twilio], publicURL: base, logger: logger)
            let app = Application(router: try CrierServer.router(store: store, registry: PrometheusCollectorRegistry(), dispatcher: dispatcher))
            try await app.test(.router) { client in
                try await body(Hooks(client: client, store: store, venue: venue, ann: ann))
            }
        }
    }

    static let emptyTwiML = #"<?xml version="1.0" encoding="UTF-8"?><Response/>"#

    @Test(arguments: TestEngines.all)
    func aReplyIsStoredMatchedAndJournaledOnce(engine: EngineKind) async throws {
        try await Self.run(engine) { h async throws -> Void in
            let first = try await h.text("Running 10 mins late, sorry!", sid: "SM1")
            #expect(first.status == .ok && first.body == Self.emptyTwiML)
            // Twilio retries the same message: stored once, answered 200 again.
            #expect(try await h.text("Running 10 mins late, sorry!", sid: "SM1").status == .ok)
            let stored = try await h.inbound()
            #expect(stored.count == 1)
            #expect(stored.first?.customerId == h.ann.id && stored.first?.kind == .reply && stored.first?.status == .received)
            #expect(stored.first?.from == "+447700900000" && stored.first?.to == Self.number)
            let journal = try await h.store.journal.forCustomer(venueId: h.venue.id, customerId: h.ann.id, cursor: nil, limit: 10).items
            #expect(journal.filter { $0.kind == JournalKind.messageReceived.rawValue }.count == 1)
        }
    }

    @Test(arguments: TestEngines.all)
    func stopRevokesCancelsPendingAndIsAcknowledgedOnce(engine: EngineKind) async throws {
        try await Self.run(engine) { h async throws -> Void in
            let event = try await h.store.makeEvent(h.venue, days: 10)
            _ = try await h.store.bookings.create(venue: h.venue, customerId: h.ann.id, eventId: event.id, seats: 2, notes: nil, source: .api, actor: .system)
            let reply = try await h.text(" Stop. ")
            #expect(reply.status == .ok)
            #expect(reply.body.contains("<Message>You&apos;ve been unsubscribed from Crown texts. Reply START to subscribe again.</Message>"))
            let consent = try await h.consent()
            #expect(consent.state == ConsentState(transactional: false, marketing: false))
            #expect(consent.history.last?.source == .stopReply)
            // Every pending text withdrawn, with the reason.
            let pending = try await h.store.messages.list(venueId: h.venue.id, filter: MessageFilter(customerId: h.ann.id), cursor: nil, limit: 50).items
                .filter { $0.direction == .out && $0.kind != .optOutAck }
            #expect(pending.count == 3 && pending.allSatisfy { $0.status == .cancelled && $0.reason == "opted_out" })
            // The acknowledgement is in the log as sent.
            let acks = try await h.outbound(.optOutAck)
            #expect(acks.count == 1 && acks.first?.status == .sent && acks.first?.to == "+447700900000")
            // A second STOP: recorded, not answered again.
            #expect(try await h.text("STOP").body == Self.emptyTwiML)
            #expect(try await h.outbound(.optOutAck).count == 1)
        }
    }

    @Test(arguments: TestEngines.all)
    func twilioAlreadyAnsweredSoCrierOnlyRecords(engine: EngineKind) async throws {
        try await Self.run(engine) { h async throws -> Void in
            #expect(try await h.text("STOP", optOutType: "STOP").body == Self.emptyTwiML)
            #expect(try await h.consent().state.transactional == false)
            #expect(try await h.outbound(.optOutAck).isEmpty)
            #expect(try await h.text("START", optOutType: "START").body == Self.emptyTwiML)
            #expect(try await h.consent().state.transactional == true)
        }
    }

    @Test(arguments: TestEngines.all)
    func startHelpAndOrdinaryWords(engine: EngineKind) async throws {
        try await Self.run(engine) { h async throws -> Void in
            // "Yes" to a confirmation from someone who never left: an ordinary reply.
            #expect(try await h.text("Yes!").body == Self.emptyTwiML)
            #expect(try await h.text("Cancel my table").body == Self.emptyTwiML)
            #expect(try await h.consent().state.transactional == true)
            #expect(try await h.text("help").body.contains("<Message>Crown: booking texts. Reply STOP to opt out, START to opt back in.</Message>"))
            _ = try await h.text("STOP")
            let back = try await h.text("start")
            #expect(back.body.contains("<Message>You&apos;re subscribed to Crown texts again. Reply STOP to opt out.</Message>"))
            let consent = try await h.consent()
            #expect(consent.state == ConsentState(transactional: true, marketing: false))
            #expect(consent.history.last?.source == .startReply)
        }
    }

    @Test(arguments: TestEngines.all)
    func anUnknownSenderIsKeptUnmatched(engine: EngineKind) async throws {
        try await Self.run(engine) { h async throws -> Void in
            #expect(try await h.text("Is the quiz on tonight?", from: "+447911123456").status == .ok)
            let stored = try await h.inbound()
            #expect(stored.count == 1 && stored.first?.customerId == nil && stored.first?.from == "+447911123456")
            // STOP from them is acknowledged though there is no consent to revoke.
            #expect(try await h.text("STOP", from: "+447911123456").body.contains("<Message>"))
        }
    }

    @Test(arguments: TestEngines.all)
    func forgedAndMisdirectedRequestsStoreNothing(engine: EngineKind) async throws {
        try await Self.run(engine) { h async throws -> Void in
            let fields = [("MessageSid", "SM9"), ("AccountSid", Self.sid), ("From", "+447700900000"), ("To", Self.number), ("Body", "STOP")]
            #expect(try await h.post("/webhooks/twilio/inbound", fields, signature: .some(nil)).status == .forbidden)
            #expect(try await h.post("/webhooks/twilio/inbound", fields, signature: "bm90IGEgc2lnbmF0dXJl").status == .forbidden)
            // Signed with another venue's (or account's) token.
            #expect(try await h.post("/webhooks/twilio/inbound", fields, token: "someone-elses").status == .forbidden)
            // Signed over another URL (replayed at another path).
            #expect(try await h.post("/webhooks/twilio/inbound", fields, signedBase: "https://evil.example").status == .forbidden)
            // A tampered body under a good signature.
            let good = TwilioSignature.compute(url: Self.base + "/webhooks/twilio/inbound", params: fields, token: Self.token)
            var tampered = fields
            tampered[4] = ("Body", "START")
            #expect(try await h.post("/webhooks/twilio/inbound", tampered, signature: good).status == .forbidden)
            // A number no venue uses.
            #expect(try await h.text("hi", to: "+447700900555").status == .notFound)
            // Not a Twilio request at all, and an unknown provider or hook.
            #expect(try await h.post("/webhooks/twilio/inbound", [("Body", "x")]).status == .badRequest)
            #expect(try await h.post("/webhooks/nexmo/inbound", fields).status == .notFound)
            #expect(try await h.post("/webhooks/twilio/outbound", fields).status == .notFound)
            #expect(try await h.inbound().isEmpty)
            #expect(try await h.consent().state.transactional == true)
            let big = [("MessageSid", "SM8"), ("From", "+447700900000"), ("To", Self.number), ("Body", String(repeating: "x", count: 70_000))]
            #expect(try await h.post("/webhooks/twilio/inbound", big).status == .contentTooLarge)
        }
    }

    @Test(arguments: TestEngines.all)
    func behindAProxyTheVenuesPublicURLIsWhatIsSigned(engine: EngineKind) async throws {
        try await Self.run(engine, settings: ["public_url": "https://venue.example:8443/crier"]) { h async throws -> Void in
            let fields = [("MessageSid", "SM7"), ("AccountSid", Self.sid), ("From", "+447700900000"), ("To", Self.number), ("Body", "hello")]
            #expect(try await h.post("/webhooks/twilio/inbound", fields).status == .forbidden)
            #expect(try await h.post("/webhooks/twilio/inbound", fields, signedBase: "https://venue.example:8443/crier").status == .ok)
        }
    }

    @Test(arguments: TestEngines.all)
    func aDatabaseFailureAsksTwilioToRetryAndTheOptOutLandsThen(engine: EngineKind) async throws {
        try await Self.run(engine) { h async throws -> Void in
            try await h.store.engine.transaction { db in try await db.raw("ALTER TABLE consent_changes RENAME TO consent_changes_away").run() }
            let failed = try await h.text("STOP", sid: "SM-retry")
            #expect(failed.status.code >= 500)
            #expect(try await h.inbound().isEmpty)  // nothing half-written
            try await h.store.engine.transaction { db in try await db.raw("ALTER TABLE consent_changes_away RENAME TO consent_changes").run() }
            #expect(try await h.text("STOP", sid: "SM-retry").status == .ok)
            #expect(try await h.consent().state.transactional == false)
        }
    }

    /// `/metrics` counts what webhooks brought: stored, redelivered, refused, and the keywords.
    @Test(arguments: TestEngines.all)
    func webhookOutcomesAndKeywordsAreCounted(engine: EngineKind) async throws {
        try await Self.run(engine) { h async throws -> Void in
            try await h.text("See you at 8", sid: "SM-a")
            try await h.text("See you at 8", sid: "SM-a")
            try await h.text("STOP", sid: "SM-b")
            try await h.text("STOP", sid: "SM-b")
            let forged = try await h.post("/webhooks/twilio/inbound", [("MessageSid", "SM-c"), ("From", "+447700900000"),
                                                                       ("To", Self.number), ("Body", "hi")], signature: "forged")
            #expect(forged.status == .forbidden)
            let response = try await h.client.executeRequest(uri: "/metrics", method: .get, headers: [:], body: nil)
            let lines = String(buffer: response.body).split(separator: "\n").map(String.init)
            for line in [#"crier_webhooks_total{provider="twilio",kind="inbound",outcome="stored"} 2"#,
                         #"crier_webhooks_total{provider="twilio",kind="inbound",outcome="duplicate"} 2"#,
                         #"crier_webhooks_total{provider="twilio",kind="inbound",outcome="refused_signature"} 1"#,
                         #"crier_keywords_total{provider="twilio",keyword="opt_out"} 1"#] {
                #expect(lines.contains(line), "\(line)")
            }
        }
    }
}
