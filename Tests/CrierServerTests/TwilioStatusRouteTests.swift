import CrierCore
import CrierPluginKit
import CrierStore
import CrierTestSupport
import Foundation
import Testing

/// Twilio's status callbacks through `/webhooks/twilio/status`: forward only, idempotent, found by
/// our id or Twilio's, and 21610 revokes consent.
struct TwilioStatusRouteTests {
    typealias Hooks = TwilioWebhookRouteTests.Hooks

    /// Three confirmations (for Ann, Bob, Cy) handed off; the first two accepted by Twilio as SM0, SM1.
    static func sent(_ h: Hooks) async throws -> [Message] {
        let event = try await h.store.makeEvent(h.venue, days: 10)
        var customers = [h.ann]
        for n in 1...2 { customers.append(try await h.store.makeCustomer(h.venue, first: "C\(n)", n: n)) }
        for c in customers {
            _ = try await h.store.bookings.create(venue: h.venue, customerId: c.id, eventId: event.id, seats: 1, notes: nil, source: .api, actor: .system)
        }
        let claimed = try await h.store.dispatch.claimDue(limit: 10, lease: 60, worker: "w").sorted { $0.id < $1.id }
        try await h.store.dispatch.handOff(
            claimed.map { HandOff(id: $0.id, body: "Hi", segments: 1, encoding: .gsm7, from: nil, provider: "twilio") }, lease: 30, worker: "w")
        try await h.store.dispatch.recordAll((0..<2).map { i in
            MessageChange(claimed[i].id, .accepted, MessageUpdate(body: "Hi", provider: "twilio", providerMessageId: "SM\(i)"))
        })
        return claimed
    }

    static func status(_ h: Hooks, _ sid: String, _ status: String, messageId: Int64?, errorCode: String? = nil) async throws -> Hooks.Reply {
        var fields = [("MessageSid", sid), ("MessageStatus", status), ("AccountSid", TwilioWebhookRouteTests.sid),
                      ("From", TwilioWebhookRouteTests.number), ("To", "+447700900000")]
        if let errorCode { fields.append(("ErrorCode", errorCode)) }
        return try await h.post("/webhooks/twilio/status" + (messageId.map { "?message_id=\($0)" } ?? ""), fields)
    }

    static func message(_ h: Hooks, _ id: Int64) async throws -> Message {
        try await h.store.messages.get(venueId: h.venue.id, id: id).message
    }

    @Test(arguments: TestEngines.all)
    func reportsOnlyMoveForwardAndRepeatHarmlessly(engine: EngineKind) async throws {
        try await TwilioWebhookRouteTests.run(engine) { h async throws -> Void in
            let m = try await Self.sent(h)
            #expect(try await Self.status(h, "SM0", "delivered", messageId: m[0].id).status == .ok)
            #expect(try await Self.message(h, m[0].id).status == .delivered)
            // A late "sent" and a duplicate "delivered" change nothing.
            #expect(try await Self.status(h, "SM0", "sent", messageId: m[0].id).status == .ok)
            #expect(try await Self.status(h, "SM0", "delivered", messageId: m[0].id).status == .ok)
            #expect(try await Self.message(h, m[0].id).status == .delivered)
            // queued/sending steps are ignored; found by Twilio's id alone; the carrier's error kept.
            #expect(try await Self.status(h, "SM1", "queued", messageId: nil).status == .ok)
            #expect(try await Self.message(h, m[1].id).status == .sent)
            #expect(try await Self.status(h, "SM1", "undelivered", messageId: nil, errorCode: "30003").status == .ok)
            let undelivered = try await Self.message(h, m[1].id)
            #expect(undelivered.status == .undelivered && undelivered.errorCode == "30003")
            let journal = try await h.store.journal.forCustomer(venueId: h.venue.id, customerId: h.ann.id, cursor: nil, limit: 20).items
            #expect(journal.filter { $0.kind == JournalKind.messageDelivered.rawValue }.count == 1)
        }
    }

    @Test(arguments: TestEngines.all)
    func aCallbackBeforeTheSendReturnsAndOneForAnUnknownOutcome(engine: EngineKind) async throws {
        try await TwilioWebhookRouteTests.run(engine) { h async throws -> Void in
            let m = try await Self.sent(h)
            // m[2] is still "sending" (no Twilio id yet) when its callback arrives.
            #expect(try await Self.status(h, "SM2", "delivered", messageId: m[2].id).status == .ok)
            #expect(try await Self.message(h, m[2].id).status == .delivered)
            let late = try await h.store.dispatch.record(m[2].id, .accepted, MessageUpdate(providerMessageId: "SM2"))
            #expect(late == .unchanged)
            // A message whose send outcome was unknown is settled by its callback.
            try await h.store.engine.transaction { db in
                try await db.raw("UPDATE messages SET status = 'unknown' WHERE id = \(bind: m[1].id)").run()
            }
            #expect(try await Self.status(h, "SM1", "delivered", messageId: m[1].id).status == .ok)
            #expect(try await Self.message(h, m[1].id).status == .delivered)
            // Our id with another message's Twilio id: not trusted; Twilio's id finds nothing either.
            #expect(try await Self.status(h, "SM-other", "failed", messageId: m[0].id).status == .ok)
            #expect(try await Self.message(h, m[0].id).status == .sent)
            // Nothing known at all: 200 so Twilio stops, nothing stored.
            #expect(try await Self.status(h, "SM-nope", "delivered", messageId: 999_999).status == .ok)
        }
    }

    @Test(arguments: TestEngines.all)
    func optedOutAtTwilioRevokesConsent(engine: EngineKind) async throws {
        try await TwilioWebhookRouteTests.run(engine) { h async throws -> Void in
            let m = try await Self.sent(h)
            #expect(try await Self.status(h, "SM0", "failed", messageId: m[0].id, errorCode: "21610").status == .ok)
            let failed = try await Self.message(h, m[0].id)
            #expect(failed.status == .failed && failed.reason == "opted_out" && failed.errorCode == "21610")
            let consent = try await h.consent()
            #expect(consent.state.transactional == false && consent.history.last?.source == .providerError)
        }
    }

    @Test(arguments: TestEngines.all)
    func forgedCallbacksChangeNothing(engine: EngineKind) async throws {
        try await TwilioWebhookRouteTests.run(engine) { h async throws -> Void in
            let m = try await Self.sent(h)
            let fields = [("MessageSid", "SM0"), ("MessageStatus", "failed"), ("From", TwilioWebhookRouteTests.number), ("ErrorCode", "21610")]
            #expect(try await h.post("/webhooks/twilio/status?message_id=\(m[0].id)", fields, token: "wrong").status == .forbidden)
            #expect(try await Self.message(h, m[0].id).status == .sent)
            #expect(try await h.consent().state.transactional == true)
        }
    }
}
