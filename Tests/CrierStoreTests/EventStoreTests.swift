import CrierCore
import CrierStore
import CrierTestSupport
import Foundation
import Testing

struct EventStoreTests {
    @Test(arguments: TestEngines.all)
    func localTimesAreReadInTheVenueZone(engine: EngineKind) async throws {
        try await withTestStore(engine) { store in
            let venue = try await store.makeVenue("bar", timezone: "America/New_York", region: "US")
            let gig = try await store.events.create(
                venue: venue, input: EventInput(name: "Gig", startsAt: "2026-12-05T19:30", capacity: 40), actor: .system)
            #expect(gig.event.startsAt == EventTime.rfc3339("2026-12-06T00:30:00Z"))
            #expect(gig.seatsLeft == 40)
        }
    }

    @Test(arguments: TestEngines.all)
    func upcomingAndPastWindowsFollowTheClock(engine: EngineKind) async throws {
        let clock = ManualClock(testNow)
        try await withTestStore(engine, clock: clock) { store in
            let venue = try await store.makeVenue()
            for day in [3.0, 1, 2, 5] { _ = try await store.makeEvent(venue, name: "Day \(Int(day))", days: day) }
            clock.advance(by: 2.5 * 86_400)
            let upcoming = try await store.events.list(venueId: venue.id, window: .upcoming, cursor: nil, limit: 10)
            #expect(upcoming.items.map(\.event.name) == ["Day 3", "Day 5"])
            var past: [String] = []
            var cursor: String?
            repeat {
                let page = try await store.events.list(venueId: venue.id, window: .past, cursor: cursor, limit: 1)
                past += page.items.map(\.event.name)
                cursor = page.nextCursor
            } while cursor != nil
            #expect(past == ["Day 2", "Day 1"])
        }
    }

    @Test(arguments: TestEngines.all)
    func capacityCannotDropBelowSeatsBooked(engine: EngineKind) async throws {
        try await withTestStore(engine) { store in
            let venue = try await store.makeVenue()
            let event = try await store.makeEvent(venue, capacity: 10)
            let ann = try await store.makeCustomer(venue)
            _ = try await store.bookings.create(
                venue: venue, customerId: ann.id, eventId: event.id, seats: 6, notes: nil, source: .staff, actor: .system)
            await #expect(throws: CrierError.self) {
                try await store.events.update(venue: venue, id: event.id, actor: .system) { input in
                    var input = input
                    input.capacity = 5
                    return input
                }
            }
            let summary = try await store.events.update(venue: venue, id: event.id, actor: .system) { input in
                var input = input
                input.capacity = 6
                input.name = "Quiz (sold out)"
                return input
            }
            #expect(summary.seatsLeft == 0)
            #expect(summary.event.name == "Quiz (sold out)")
            // The refused change left no trace; the accepted one records old and new values.
            let changes = try await store.journal.after(id: 0, limit: 100).filter { $0.kind == JournalKind.eventChanged.rawValue }
            #expect(changes.map(\.data) == [["changed": ["capacity": 6, "name": "Quiz (sold out)"],
                                              "previous": ["capacity": 10, "name": "Quiz night"]]])
        }
    }

    @Test(arguments: TestEngines.all)
    func cancelIsIdempotentAndDeleteNeedsNoActiveBookings(engine: EngineKind) async throws {
        try await withTestStore(engine) { store in
            let venue = try await store.makeVenue()
            let event = try await store.makeEvent(venue)
            let ann = try await store.makeCustomer(venue)
            let booking = try await store.bookings.create(
                venue: venue, customerId: ann.id, eventId: event.id, seats: 0, notes: nil, source: .staff, actor: .system)
            await #expect(throws: CrierError.self) { try await store.events.delete(venueId: venue.id, id: event.id, actor: .system) }
            #expect(try await store.events.cancel(venueId: venue.id, id: event.id, actor: .system).event.status == .cancelled)
            #expect(try await store.events.cancel(venueId: venue.id, id: event.id, actor: .system).event.status == .cancelled)
            let journal = try await store.journal.after(id: 0, limit: 100).filter { $0.kind == JournalKind.eventCancelled.rawValue }
            #expect(journal.count == 1)
            _ = try await store.bookings.cancel(venueId: venue.id, id: booking.id, actor: .system)
            try await store.events.delete(venueId: venue.id, id: event.id, actor: .system)
            await #expect(throws: CrierError.notFound("event")) { try await store.events.get(venueId: venue.id, id: event.id) }
        }
    }
}
