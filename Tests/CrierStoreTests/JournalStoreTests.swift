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
