import CrierCore
import CrierPluginKit
import CrierStore
import CrierTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Every request in `webhooks/twilio/` (the files `scripts/replay-webhook` posts) through the real
/// route, signed as recorded, with the outcome its `expect` names.
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
        var kind: String
        var path: String
        var signed_for: [String: String]
        var headers: [String: String]
        var body: String
        var expect: Expect
        var testDescription: String { name }

        enum CodingKeys: String, CodingKey { case kind, path, signed_for, headers, body, expect }
    }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../webhooks/twilio")

    static let recordings: [Recording] = {
        let files = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []
        return files.filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }.map { url in
            var r = try! JSONDecoder().decode(Recording.self, from: Data(contentsOf: url))
            r.name = url.deletingPathExtension().lastPathComponent
            return r
        }
    }()

    @Test func everyKindIsRecorded() {
        let names = Set(Self.recordings.map(\.name))
        for needed in ["inbound_text", "inbound_stop", "inbound_start", "inbound_help", "status_delivered", "status_failed"] {
            #expect(names.contains(needed), "\(needed)")
        }
    }

    static func post(_ r: Recording, _ h: TwilioWebhookRouteTests.Hooks) async throws -> (status: Int, body: String) {
        var headers = HTTPFields()
        for (name, value) in r.headers { headers[.init(name)!] = value }
        let response = try await h.client.executeRequest(uri: r.path, method: .post, headers: headers, body: ByteBuffer(string: r.body))
        return (Int(response.status.code), String(buffer: response.body))
    }

    @Test(arguments: TestEngines.all.flatMap { e in recordings.map { (e, $0) } })
    func replays(engine: EngineKind, recording r: Recording) async throws {
        let settings = ["public_url": r.signed_for["public_url"]!, "auth_token": r.signed_for["auth_token"]!,
                        "account_sid": r.signed_for["account_sid"]!, "from": r.signed_for["from"]!]
        try await TwilioWebhookRouteTests.run(engine, settings: settings) { h async throws -> Void in
            let customer = try await h.store.makeCustomer(h.venue, first: "Sam", mobile: "07700 900123")
            var messageId: Int64?
            if r.kind == "status" {
                // The message the callback is about: sent through Twilio with the recorded MessageSid.
                let sid = FormBody.decode(r.body).first { $0.0 == "MessageSid" }!.1
                let event = try await h.store.makeEvent(h.venue)
                _ = try await h.store.bookings.create(venue: h.venue, customerId: customer.id, eventId: event.id, seats: 1, notes: nil, source: .api, actor: .system)
                let claimed = try await h.store.dispatch.claimDue(limit: 1, lease: 60, worker: "w")
                messageId = claimed[0].id
                try await h.store.dispatch.record(claimed[0].id, .accepted, MessageUpdate(provider: "twilio", providerMessageId: sid))
            }
            if let before = r.expect.after, let first = Self.recordings.first(where: { $0.name == before }) {
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
                if answer == "none" {
                    #expect(!body.contains("<Message>"))
                } else {
                    let kind = try #require(MessageKind(rawValue: answer))
                    let sent = try await h.store.messages.list(venueId: h.venue.id, filter: MessageFilter(kind: kind), cursor: nil, limit: 5).items
                    #expect(body.contains("<Message>") && sent.first?.body.map { body.contains($0.replacingOccurrences(of: "'", with: "&apos;")) } == true)
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
