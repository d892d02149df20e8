import CrierCore
import CrierStore
import CrierTestSupport
import Foundation
import Testing

/// The outbox's sending side at the store level: leases and batched outcome records.
struct DispatchStoreTests {
    static func withThreeDue(_ engine: EngineKind, _ body: @Sendable (Store, ManualClock, Venue, [Message]) async throws -> Void) async throws {
        let clock = ManualClock(testNow)
        try await withTestStore(engine, clock: clock) { store in
            let venue = try await store.makeVenue()
            let event = try await store.makeEvent(venue, days: 10)
            for n in 0..<3 {
                let c = try await store.makeCustomer(venue, n: n)
                _ = try await store.bookings.create(venue: venue, customerId: c.id, eventId: event.id, seats: 1, notes: nil, source: .api, actor: .system)
            }
            let confirmations = try await store.dispatch.due(by: clock.now(), limit: 10)
            #expect(confirmations.count == 3)
            try await body(store, clock, venue, confirmations)
        }
    }

    @Test(arguments: TestEngines.all)
    func onlyTheLeaseHolderRenewsAndALostLeaseStaysLost(engine: EngineKind) async throws {
        try await Self.withThreeDue(engine) { store, clock, _, due in
            let claimed = try await store.dispatch.claimDue(limit: 10, lease: 60, worker: "a")
            #expect(Set(claimed.map(\.id)) == Set(due.map(\.id)))
            #expect(try await store.dispatch.renewLeases(claimed.map(\.id), lease: 60, worker: "b").isEmpty)
            clock.advance(by: 50)
            #expect(try await store.dispatch.renewLeases(claimed.map(\.id), lease: 60, worker: "a") == Set(claimed.map(\.id)))
            clock.advance(by: 50)  // 100s after the claim, 50s after the renewal: still held
            #expect(try await store.dispatch.expireLeases() == 0)
            clock.advance(by: 11)
            #expect(try await store.dispatch.expireLeases() == 3)
            // Settled as unknown: the old holder may not take them back.
            #expect(try await store.dispatch.renewLeases(claimed.map(\.id), lease: 60, worker: "a").isEmpty)
        }
    }

    @Test(arguments: TestEngines.all)
    func aBatchOfOutcomesIsRecordedThroughTheStateMachine(engine: EngineKind) async throws {
        try await Self.withThreeDue(engine) { store, clock, venue, due in
            let claimed = try await store.dispatch.claimDue(limit: 10, lease: 60, worker: "a").sorted { $0.id < $1.id }
            let later = clock.now().addingTimeInterval(600)
            let transitions = try await store.dispatch.recordAll([
                MessageChange(claimed[0].id, .accepted, MessageUpdate(
                    body: "Hi", segments: 1, encoding: .gsm7, from: "+447700900001", provider: "console", providerMessageId: "P1",
                    attempt: ("accepted", nil, clock.now()))),
                MessageChange(claimed[1].id, .postpone, MessageUpdate(scheduledFor: later)),
                MessageChange(claimed[2].id, .permanentFailure, MessageUpdate(errorCode: "21211", reason: MessageReason.providerRefused,
                                                                               attempt: ("permanent", "invalid number", clock.now()))),
                MessageChange(claimed[0].id, .claim),  // a second change to the same message sees it already sent
                MessageChange(999_999, .accepted),  // gone: left out, not an error
            ])
            #expect(transitions == [claimed[0].id: .refused, claimed[1].id: .to(.scheduled), claimed[2].id: .to(.failed)])
            let sent = try await store.messages.get(venueId: venue.id, id: claimed[0].id)
            #expect(sent.message.status == .sent && sent.message.body == "Hi" && sent.message.segments == 1)
            #expect(sent.message.providerMessageId == "P1" && sent.message.sentAt == clock.now())
            #expect(sent.attempts.map(\.outcome) == ["accepted"])
            let postponed = try await store.messages.get(venueId: venue.id, id: claimed[1].id).message
            #expect(postponed.status == .scheduled && postponed.scheduledFor == later && postponed.attempts == 0)
            let failed = try await store.messages.get(venueId: venue.id, id: claimed[2].id)
            #expect(failed.message.status == .failed && failed.message.errorCode == "21211" && failed.message.reason == "provider_refused")
            #expect(failed.attempts.map(\.detail) == ["invalid number"])
            // A postponement goes back to the queue without a journal entry; the other two are journaled.
            let kinds = try await store.journal.forCustomer(venueId: venue.id, customerId: failed.message.customerId!, cursor: nil, limit: 20)
                .items.map(\.kind)
            #expect(kinds.contains("message.failed"))
        }
    }
}
