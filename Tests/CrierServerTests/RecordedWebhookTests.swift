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
import Telnyx
import Twilio
import Vonage

/// Every request in `webhooks/<provider>/` (the files `scripts/replay-webhook` posts) through the
/// real route, signed as recorded, with the outcome its `expect` names.
struct RecordedWebhookTests {
    struct Recording: Decodable, Sendable, CustomTestStringConvertible {
        struct Expect: Decodable, Sendable {
            var status: Int
            var stored: String?
            var answer: String?
            var consent: Bool?
            var message: String?
            var after: String?
        }
        var name = ""
        var provider: String
        var kind: String
        var path: String
        var signed_for: [String: String]
        var headers: [String: String]
        var body: String
        var expect: Expect
        /// When the provider sent it (Telnyx refuses requests more than five minutes old).
        var received_at: String?
        var testDescription: String { name }

        enum CodingKeys: String, CodingKey { case provider, kind, path, signed_for, headers, body, expect, received_at }
    }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../webhooks")
    static let providers = ["twilio", "vonage", "telnyx"]

    static let recordings: [Recording] = providers.flatMap { provider in
        let folder = directory.appendingPathComponent(provider)
        let files = (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? []
        return files.filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }.map { url in
            var r = try! JSONDecoder().decode(Recording.self, from: Data(contentsOf: url))
            r.name = provider + "/" + url.deletingPathExtension().lastPathComponent
            return r
        }
    }

    @Test func everyKindIsRecordedForEveryProvider() {
        let names = Set(Self.recordings.map(\.name))
        for provider in Self.providers {
            for needed in ["inbound_text", "inbound_stop", "inbound_start", "inbound_help", "status_delivered", "status_failed"] {
                #expect(names.contains(provider + "/" + needed), "\(provider)/\(needed)")
            }
        }
    }

    struct Harness: Sendable {
        let client: any TestClientProtocol
        let store: Store
        let venue: Venue
    }

    /// A venue using the recording's provider with the settings it was signed for.
    static func run(_ engine: EngineKind, _ r: Recording, _ body: @Sendable (Harness) async throws -> Void) async throws {
        let clock = ManualClock(r.received_at.flatMap { EventTime.rfc3339($0) } ?? testNow)
        try await withTestStore(engine, clock: clock) { store in
            let venue = try await store.makeVenue()
            let providers: [any SMSProvider & SMSWebhooks] = [TwilioProvider(), VonageProvider(), TelnyxProvider()]
            let provider = try #require(providers.first { $0.id == r.provider })
            let settings = ProviderSettings(r.signed_for)
            #expect(provider.validate(settings).isEmpty, "\(provider.validate(settings))")
            try await store.venues.setProvider(
                venueId: venue.id, id: r.provider, settings: r.signed_for, addresses: provider.addresses(settings), actor: .system)
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let dispatcher = try Dispatcher(store: store, providers: providers, publicURL: "https://crier.example", logger: logger)
            let app = Application(router: try CrierServer.router(store: store, registry: PrometheusCollectorRegistry(), dispatcher: dispatcher))
            try await app.test(.router) { client in try await body(Harness(client: client, store: store, venue: venue)) }
        }
    }

    static func post(_ r: Recording, _ h: Harness) async throws -> (status: Int, body: String) {
        var headers = HTTPFields()
        for (name, value) in r.headers { headers[.init(name)!] = value }
        let response = try await h.client.executeRequest(uri: r.path, method: .post, headers: headers, body: ByteBuffer(string: r.body))
        return (Int(response.status.code), String(buffer: response.body))
    }

    @Test(arguments: TestEngines.all.flatMap { e in recordings.map { (e, $0) } })
    func replays(engine: EngineKind, recording r: Recording) async throws {
        try await Self.run(engine, r) { h async throws -> Void in
            let customer = try await h.store.makeCustomer(h.venue, first: "Sam", mobile: "07700 900123")
            _ = customer
            var messageId: Int64?
            if r.kind == "status" {
                // The message the callback is about: sent through Twilio with the recorded MessageSid.
                let sid = r.provider == "telnyx"
                    ? try #require(r.body.range(of: #""id":"40317159-[^"]*""#, options: .regularExpression).map { String(r.body[$0].dropFirst(6).dropLast()) })
                    : FormBody.decode(r.body).first { $0.0 == "MessageSid" || $0.0 == "messageId" }!.1
                let event = try await h.store.makeEvent(h.venue)
                _ = try await h.store.bookings.create(venue: h.venue, customerId: customer.id, eventId: event.id, seats: 1, notes: nil, source: .api, actor: .system)
                let claimed = try await h.store.dispatch.claimDue(limit: 1, lease: 60, worker: "w")
                try await h.store.dispatch.handOff(
                    [HandOff(id: claimed[0].id, body: "Hi", segments: 1, encoding: .gsm7, from: nil, provider: r.provider)], lease: 30, worker: "w")
                messageId = claimed[0].id
                try await h.store.dispatch.record(claimed[0].id, .accepted, MessageUpdate(provider: r.provider, providerMessageId: sid))
            }
            if let before = r.expect.after, let first = Self.recordings.first(where: { $0.name == r.provider + "/" + before }) {
                #expect(try await Self.post(first, h).status == 200)
            }
            let (status, body) = try await Self.post(r, h)
            #expect(status == r.expect.status, "\(body)")
            if r.expect.stored == "reply" {
                let inbound = try await h.store.messages.list(venueId: h.venue.id, filter: MessageFilter(customerId: customer.id), cursor: nil, limit: 50)
                    .items.filter { $0.direction == .in }
                #expect(!inbound.isEmpty && inbound.allSatisfy { $0.kind == .reply })
            }
            if let answer = r.expect.answer {
                let acks = try await h.store.messages.list(venueId: h.venue.id, filter: MessageFilter(), cursor: nil, limit: 50).items
                    .filter { [.optOutAck, .optInAck, .help].contains($0.kind) }
                if answer == "none" {
                    #expect(!body.contains("<Message>") && acks.isEmpty)
                } else if r.provider == "twilio" {
                    // Answered in the TwiML response, and logged as sent.
                    let kind = try #require(MessageKind(rawValue: answer))
                    let sent = acks.filter { $0.kind == kind }
                    #expect(body.contains("<Message>") && sent.first?.body.map { body.contains($0.replacingOccurrences(of: "'", with: "&apos;")) } == true)
                } else {
                    // Queued in the outbox for the dispatcher.
                    #expect(acks.first?.kind.rawValue == answer && acks.first?.status == .scheduled)
                }
            }
            if let consent = r.expect.consent {
                #expect(try await h.store.consents.get(venueId: h.venue.id, customerId: customer.id).state.transactional == consent)
            }
            if let expected = r.expect.message, let messageId {
                #expect(try await h.store.messages.get(venueId: h.venue.id, id: messageId).message.status.rawValue == expected)
            }
        }
    }
}
