import CrierCore
import CrierStore
import CrierTestSupport
import Foundation
import Testing

/// The outbox's sending side at the store level: claims, hand-offs, leases and batched outcome records.
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

    static func handOffs(_ messages: [Message]) -> [HandOff] {
        messages.map { HandOff(id: $0.id, body: "Hi", segments: 1, encoding: .gsm7, from: "+447700900001", provider: "console") }
    }

    /// A claim is a lease on a scheduled text: it lapses into nothing, and only a hand-off can
    /// make a text `unknown` when its lease runs out.
    @Test(arguments: TestEngines.all)
    func aLapsedClaimIsClaimableAgainAndOnlyHandedOffTextsBecomeUnknown(engine: EngineKind) async throws {
        try await Self.withThreeDue(engine) { store, clock, venue, due in
            let claimed = try await store.dispatch.claimDue(limit: 10, lease: 60, worker: "a")
            #expect(Set(claimed.map(\.id)) == Set(due.map(\.id)))
            #expect(claimed.allSatisfy { $0.status == .scheduled })
            #expect(try await store.dispatch.claimDue(limit: 10, lease: 60, worker: "b").isEmpty)  // held
            // Another worker can't hand off what "a" holds.
            #expect(try await store.dispatch.handOff(Self.handOffs(claimed), lease: 30, worker: "b").isEmpty)
            // "a" hands off one, then dies.
            let handed = try await store.dispatch.handOff(Self.handOffs([claimed[0]]), lease: 30, worker: "a")
            #expect(handed == [claimed[0].id: 1])
            clock.advance(by: 61)
            #expect(try await store.dispatch.expireLeases() == 1)
            let lost = try await store.messages.get(venueId: venue.id, id: claimed[0].id)
            #expect(lost.message.status == .unknown && lost.message.handedOffAt != nil && lost.message.reason == MessageReason.leaseExpired)
            #expect(lost.attempts.map(\.outcome) == ["lost"])
            // The two never handed off are still scheduled, never reached the provider, and go to the next claimer.
            let again = try await store.dispatch.claimDue(limit: 10, lease: 60, worker: "b")
            #expect(Set(again.map(\.id)) == Set(claimed.dropFirst().map(\.id)))
            #expect(again.allSatisfy { $0.status == .scheduled && $0.handedOffAt == nil && $0.attempts == 0 })
        }
    }

    /// The hand-off checks against the database, in its own statement: a STOP (which withdraws
    /// claimed texts too), consent revoked by staff, and the kill switch all stop it.
    @Test(arguments: TestEngines.all)
    func theHandOffChecksConsentTheKillSwitchAndWithdrawals(engine: EngineKind) async throws {
        try await Self.withThreeDue(engine) { store, clock, venue, due in
            let claimed = try await store.dispatch.claimDue(limit: 10, lease: 60, worker: "a").sorted { $0.id < $1.id }
            _ = try await store.consents.set(venueId: venue.id, customerId: claimed[0].customerId!, changes: [.transactional: false],
                                             source: .staff, note: nil, actor: .system)
            _ = try await store.bookings.cancel(venueId: venue.id, id: claimed[1].bookingId!, actor: .system)
            var handed = try await store.dispatch.handOff(Self.handOffs(claimed), lease: 30, worker: "a")
            #expect(Set(handed.keys) == [claimed[2].id])
            let cancelled = try await store.messages.get(venueId: venue.id, id: claimed[1].id).message
            #expect(cancelled.status == .cancelled && cancelled.handedOffAt == nil)
            // Sending switched off: nothing is handed off at all.
            _ = try await store.venues.update(id: venue.id, actor: .system) { v in
                var v = v
                v.smsEnabled = false
                return v
            }
            _ = try await store.consents.set(venueId: venue.id, customerId: claimed[0].customerId!, changes: [.transactional: true],
                                             source: .staff, note: nil, actor: .system)
            handed = try await store.dispatch.handOff(Self.handOffs([claimed[0]]), lease: 30, worker: "a")
            #expect(handed.isEmpty)
            _ = clock
        }
    }

    /// Every bulk statement moves messages only out of the statuses the state machine allows for
    /// its event: each is run against a message in every status.
    @Test(arguments: TestEngines.all)
    func eachBulkStatementMovesOnlyWhatTheTableAllows(engine: EngineKind) async throws {
        let outbound = MessageStatus.allCases.filter { $0 != .received }
        for status in outbound {
            try await Self.withThreeDue(engine) { store, clock, venue, due in
                let m = due[0]
                try await store.engine.transaction { db in
                    try await db.raw("""
                        UPDATE messages SET status = \(bind: status.rawValue), lease_until = \(bind: clock.now().millisecondsSince1970 - 1),
                            claimed_by = 'a', handed_off_at = \(bind: clock.now().millisecondsSince1970)
                        WHERE id = \(bind: m.id)
                        """).run()
                }
                let current: @Sendable () async throws -> MessageStatus = {
                    let found = try await store.messages.get(venueId: venue.id, id: m.id)
                    return found.message.status
                }
                // Lease expiry: only what `.leaseExpired` moves.
                _ = try await store.dispatch.expireLeases()
                let afterExpiry = try await current()
                #expect((afterExpiry != status) == MessageTransition.sources(of: .leaseExpired).contains(status), "expiry in \(status)")
                // Claim (its lease has lapsed): only from what `.claim` acts on.
                try await store.engine.transaction { db in
                    try await db.raw("UPDATE messages SET status = \(bind: status.rawValue), lease_until = NULL WHERE id = \(bind: m.id)").run()
                }
                let claimed = try await store.dispatch.claimDue(limit: 10, lease: 60, worker: "a").map(\.id)
                #expect(claimed.contains(m.id) == MessageTransition.sources(of: .claim).contains(status), "claim in \(status)")
                // Hand-off: only from what `.handOff` moves.
                let handed = try await store.dispatch.handOff(Self.handOffs([m]), lease: 30, worker: "a")
                #expect((handed[m.id] != nil) == MessageTransition.sources(of: .handOff).contains(status), "hand-off in \(status)")
                // Withdrawal (a cancelled booking): only from what `.withdraw` moves.
                try await store.engine.transaction { db in
                    try await db.raw("UPDATE messages SET status = \(bind: status.rawValue) WHERE id = \(bind: m.id)").run()
                }
                _ = try await store.bookings.cancel(venueId: venue.id, id: m.bookingId!, actor: .system)
                let afterWithdrawal = try await current()
                #expect((afterWithdrawal != status) == MessageTransition.sources(of: .withdraw(.cancelled)).contains(status),
                        "withdraw in \(status)")
            }
        }
    }

    @Test(arguments: TestEngines.all)
    func aBatchOfOutcomesIsRecordedThroughTheStateMachine(engine: EngineKind) async throws {
        try await Self.withThreeDue(engine) { store, clock, venue, due in
            let claimed = try await store.dispatch.claimDue(limit: 10, lease: 60, worker: "a").sorted { $0.id < $1.id }
            let handed = try await store.dispatch.handOff(Self.handOffs([claimed[0], claimed[2]]), lease: 30, worker: "a")
            #expect(handed.count == 2)
            let later = clock.now().addingTimeInterval(600)
            let transitions = try await store.dispatch.recordAll([
                MessageChange(claimed[0].id, .accepted, MessageUpdate(
                    provider: "console", providerMessageId: "P1", attempt: ("accepted", nil, clock.now()))),
                MessageChange(claimed[1].id, .postpone, MessageUpdate(scheduledFor: later)),
                MessageChange(claimed[2].id, .permanentFailure, MessageUpdate(errorCode: "21211", reason: MessageReason.providerRefused,
                                                                               attempt: ("permanent", "invalid number", clock.now()))),
                MessageChange(claimed[0].id, .handOff),  // a second change to the same message sees it already sent
                MessageChange(999_999, .accepted),  // gone: left out, not an error
            ])
            #expect(transitions == [claimed[0].id: .refused, claimed[1].id: .to(.scheduled), claimed[2].id: .to(.failed)])
            let sent = try await store.messages.get(venueId: venue.id, id: claimed[0].id)
            #expect(sent.message.status == .sent && sent.message.body == "Hi" && sent.message.segments == 1)
            #expect(sent.message.providerMessageId == "P1" && sent.message.sentAt == clock.now())
            // The hand-off opened the attempt; its outcome closed it.
            #expect(sent.attempts.map(\.outcome) == ["accepted"] && sent.attempts[0].finishedAt != nil)
            let postponed = try await store.messages.get(venueId: venue.id, id: claimed[1].id).message
            #expect(postponed.status == .scheduled && postponed.scheduledFor == later && postponed.attempts == 0)
            let failed = try await store.messages.get(venueId: venue.id, id: claimed[2].id)
            #expect(failed.message.status == .failed && failed.message.errorCode == "21211" && failed.message.reason == "provider_refused")
            #expect(failed.attempts.map(\.detail) == ["invalid number"])
            let kinds = try await store.journal.forCustomer(venueId: venue.id, customerId: failed.message.customerId!, cursor: nil, limit: 20)
                .items.map(\.kind)
            #expect(kinds.contains("message.failed"))
        }
    }

    /// One person's texts go in creation order: a later one is not claimed while an earlier one
    /// of theirs waits for a retry or is in flight.
    @Test(arguments: TestEngines.all)
    func aPersonsLaterTextWaitsForTheirEarlierOne(engine: EngineKind) async throws {
        let clock = ManualClock(testNow)
        try await withTestStore(engine, clock: clock) { store in
            let venue = try await store.makeVenue()
            let customer = try await store.makeCustomer(venue)
            let first = try await store.makeEvent(venue, name: "A", days: 10)
            let second = try await store.makeEvent(venue, name: "B", days: 10)
            _ = try await store.bookings.create(venue: venue, customerId: customer.id, eventId: first.id, seats: 1, notes: nil, source: .api, actor: .system)
            let claimed = try await store.dispatch.claimDue(limit: 10, lease: 60, worker: "a")
            #expect(claimed.count == 1)
            let handed = try await store.dispatch.handOff(Self.handOffs(claimed), lease: 30, worker: "a")
            _ = try await store.bookings.create(venue: venue, customerId: customer.id, eventId: second.id, seats: 1, notes: nil, source: .api, actor: .system)
            #expect(try await store.dispatch.claimDue(limit: 10, lease: 60, worker: "b").isEmpty)  // the first is in flight
            try await store.dispatch.recordAll([MessageChange(claimed[0].id, .retryableFailure(attemptsLeft: true), MessageUpdate(
                errorCode: "20429", scheduledFor: clock.now().addingTimeInterval(60), attempt: ("retryable", "busy", clock.now())))])
            #expect(handed.count == 1)
            #expect(try await store.dispatch.claimDue(limit: 10, lease: 60, worker: "b").isEmpty)  // it waits for its retry
            clock.advance(by: 61)
            let next = try await store.dispatch.claimDue(limit: 10, lease: 60, worker: "b")
            #expect(next.map(\.id) == [claimed[0].id])  // the retry, alone: the second still waits behind it
        }
    }
}
