import CrierCore
import CrierStore
import CrierTestSupport
import Foundation
import Testing

struct JournalStoreTests {
    @Test(arguments: TestEngines.all)
    func everyChangeIsJournaledAndRefusalsWriteNothing(engine: EngineKind) async throws {
        try await withTestStore(engine) { store in
            let venue = try await store.makeVenue()
            let event = try await store.makeEvent(venue, capacity: 1)
            let ann = try await store.makeCustomer(venue, n: 1)
            let bob = try await store.makeCustomer(venue, n: 2)
            let booking = try await store.bookings.create(venue: venue, customerId: ann.id, eventId: event.id, seats: 1, notes: nil, source: .api, actor: .apiKey(7))
            let before = try await store.journal.after(id: 0, limit: 1000)
            // Refused: over capacity. Neither a booking nor a journal entry may appear.
            _ = try? await store.bookings.create(venue: venue, customerId: bob.id, eventId: event.id, seats: 1, notes: nil, source: .api, actor: .system)
            #expect(try await store.journal.after(id: 0, limit: 1000) == before)
            #expect(try await store.bookings.list(venueId: venue.id, filter: BookingFilter(eventId: event.id), cursor: nil, limit: 10).items.count == 1)

            _ = try await store.bookings.update(venueId: venue.id, id: booking.id, seats: 0, notes: "just remind me", actor: .system)
            _ = try await store.bookings.cancel(venueId: venue.id, id: booking.id, actor: .system)
            try await store.customers.delete(venueId: venue.id, id: ann.id, actor: .system)

            let page = try await store.journal.forCustomer(venueId: venue.id, customerId: ann.id, cursor: nil, limit: 50)
            #expect(page.items.map(\.kind).filter { !$0.hasPrefix("message.") } == [
                JournalKind.customerDeleted.rawValue, JournalKind.bookingDeleted.rawValue, JournalKind.bookingCancelled.rawValue, JournalKind.bookingChanged.rawValue,
                JournalKind.bookingCreated.rawValue, JournalKind.consentGranted.rawValue, JournalKind.customerCreated.rawValue,
            ])
            let created = page.items.first { $0.kind == JournalKind.bookingCreated.rawValue }!
            #expect(created.actor == "api_key:7")
            #expect(created.subjectId == booking.id)
            let changed = page.items.first { $0.kind == JournalKind.bookingChanged.rawValue }!
            #expect(changed.data == ["event_id": .number(Double(event.id)), "event_name": "Quiz night",
                                     "changed": ["seats": 0, "notes": "just remind me"], "previous": ["seats": 1, "notes": nil]])
            #expect(changed.event == .bookingChanged(BookingChanged(
                eventId: event.id, eventName: "Quiz night", seats: FieldChange(from: 1, to: 0), notes: FieldChange(from: nil, to: "just remind me"))))
            // Paging newest first gives the same entries as one big page.
            var paged: [Int64] = []
            var cursor: String?
            repeat {
                let next = try await store.journal.forCustomer(venueId: venue.id, customerId: ann.id, cursor: cursor, limit: 4)
                paged += next.items.map(\.id)
                cursor = next.nextCursor
            } while cursor != nil
            #expect(paged == page.items.map(\.id))
            #expect(paged == paged.sorted(by: >))
        }
    }

    @Test(arguments: TestEngines.all)
    func deletingACustomerRemovesTheirBookingsInOneGo(engine: EngineKind) async throws {
        try await withTestStore(engine) { store in
            let venue = try await store.makeVenue()
            let ann = try await store.makeCustomer(venue)
            for day in [5.0, 6] {
                let event = try await store.makeEvent(venue, days: day)
                _ = try await store.bookings.create(venue: venue, customerId: ann.id, eventId: event.id, seats: 2, notes: nil, source: .staff, actor: .system)
            }
            try await store.customers.delete(venueId: venue.id, id: ann.id, actor: .system)
            #expect(try await store.bookings.list(venueId: venue.id, filter: BookingFilter(customerId: ann.id), cursor: nil, limit: 10).items.isEmpty)
            let deleted = try await store.journal.after(id: 0, limit: 100).filter { $0.kind == JournalKind.bookingDeleted.rawValue }
            #expect(deleted.count == 2)
        }
    }
}

/// On PostgreSQL a journal id can be visible before a smaller one whose transaction is still open;
/// a projection must never read past that gap, and reading the mark must never hold up writers.
struct JournalHighWaterTests {
    @Test
    func theMarkWaitsForAnOpenWriterWithoutHoldingUpNewOnes() async throws {
        guard TestEngines.all.contains(.postgres) else { return }
        try await withTestStore(.postgres) { store in
            let venue = try await store.makeVenue()
            let (opened, open) = AsyncStream<Int64>.makeStream()
            let (release, gate) = AsyncStream<Void>.makeStream()
            // A writer that takes its journal id and then keeps its transaction open, as a slow
            // request would (the same protocol as every journal write: the shared lock first).
            let slow = Task {
                try await store.engine.transaction(deadline: 30) { db in
                    try await db.raw("SELECT pg_advisory_xact_lock_shared(7346022)").run()
                    let id = try await db.raw("""
                        INSERT INTO journal (venue_id, customer_id, kind, subject_type, subject_id, data, actor, created_at)
                        VALUES (\(bind: venue.id), NULL, 'venue.changed', 'venue', \(bind: venue.id), '{}', 'system', 0) RETURNING id
                        """).first()!.decode(column: "id", as: Int64.self)
                    open.yield(id)
                    for await _ in release {}
                }
            }
            var ids = opened.makeAsyncIterator()
            let pending = try #require(await ids.next())
            // A later entry commits while the earlier one is still open: visible, but not yet safe.
            _ = try await store.makeCustomer(venue, n: 1)
            let visible = try await store.checkpoints.journalHead()
            #expect(visible > pending)
            #expect(try await store.checkpoints.safeHead() == nil)

            // While the mark is being waited for, new writers go straight through (behind an
            // exclusive lock they would queue until the open transaction ended): this one commits
            // while the mark still waits, and the mark is given once the open one has ended.
            let order = OrderLog()
            let mark = Task {
                let mark = try await store.checkpoints.safeHead(patience: 60)
                await order.note("mark")
                return mark
            }
            try await Task.sleep(for: .milliseconds(50))
            _ = try await store.makeCustomer(venue, n: 2)
            await order.note("writer")
            gate.finish()
            try await slow.value
            let given = try #require(try await mark.value)
            #expect(given >= visible)
            #expect(await order.events == ["writer", "mark"])
            let head = try await store.checkpoints.journalHead()
            #expect(try await store.checkpoints.safeHead() == head)
        }
    }
}

/// The order things finished in, across tasks.
actor OrderLog {
    var events: [String] = []
    func note(_ event: String) { events.append(event) }
}
