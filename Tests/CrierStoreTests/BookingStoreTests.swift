import CrierCore
import CrierStore
import CrierTestSupport
import Foundation
import Testing

struct BookingStoreTests {
    func code(_ error: any Error) -> String? {
        if case CrierError.conflict(let code, _, _, _) = error { return code }
        return nil
    }

    @Test(arguments: TestEngines.all)
    func reminderOnlyBookingsHoldNoSeat(engine: EngineKind) async throws {
        try await withTestStore(engine) { store in
            let venue = try await store.makeVenue()
            let event = try await store.makeEvent(venue, capacity: 2)
            let (a, b, c) = (try await store.makeCustomer(venue, n: 1), try await store.makeCustomer(venue, n: 2),
                             try await store.makeCustomer(venue, n: 3))
            _ = try await store.bookings.create(venue: venue, customerId: a.id, eventId: event.id, seats: 2, notes: nil, source: .api, actor: .system)
            // Full, but a reminder-only booking still fits.
            let reminder = try await store.bookings.create(venue: venue, customerId: b.id, eventId: event.id, seats: 0, notes: nil, source: .api, actor: .system)
            #expect(reminder.isReminderOnly)
            do {
                _ = try await store.bookings.create(venue: venue, customerId: c.id, eventId: event.id, seats: 1, notes: nil, source: .api, actor: .system)
                Issue.record("over capacity accepted")
            } catch { #expect(code(error) == "capacity_exceeded") }
            // Turning the reminder-only booking into a seat is refused too.
            do {
                _ = try await store.bookings.update(venueId: venue.id, id: reminder.id, seats: 1, notes: nil, actor: .system)
                Issue.record("over capacity accepted")
            } catch { #expect(code(error) == "capacity_exceeded") }
            let summary = try await store.events.get(venueId: venue.id, id: event.id)
            #expect((summary.seatsBooked, summary.seatedBookings, summary.reminderOnlyBookings) == (2, 1, 1))
            let onlyReminders = try await store.bookings.list(
                venueId: venue.id, filter: BookingFilter(eventId: event.id, reminderOnly: true), cursor: nil, limit: 10)
            #expect(onlyReminders.items.map(\.id) == [reminder.id])
        }
    }

    @Test(arguments: TestEngines.all)
    func oneActiveBookingPerCustomerPerEvent(engine: EngineKind) async throws {
        try await withTestStore(engine) { store in
            let venue = try await store.makeVenue()
            let event = try await store.makeEvent(venue)
            let ann = try await store.makeCustomer(venue)
            let first = try await store.bookings.create(venue: venue, customerId: ann.id, eventId: event.id, seats: 2, notes: nil, source: .api, actor: .system)
            do {
                _ = try await store.bookings.create(venue: venue, customerId: ann.id, eventId: event.id, seats: 0, notes: nil, source: .api, actor: .system)
                Issue.record("second active booking accepted")
            } catch { #expect(code(error) == "booking_exists") }
            _ = try await store.bookings.cancel(venueId: venue.id, id: first.id, actor: .system)
            // Once cancelled, the customer can book again.
            let again = try await store.bookings.create(venue: venue, customerId: ann.id, eventId: event.id, seats: 1, notes: "window", source: .api, actor: .system)
            #expect(again.notes == "window")
        }
    }

    @Test(arguments: TestEngines.all)
    func closedEventsTakeNoBookings(engine: EngineKind) async throws {
        let clock = ManualClock(testNow)
        try await withTestStore(engine, clock: clock) { store in
            let venue = try await store.makeVenue()
            let ann = try await store.makeCustomer(venue)
            let cancelled = try await store.makeEvent(venue, name: "Off")
            _ = try await store.events.cancel(venueId: venue.id, id: cancelled.id, actor: .system)
            let soon = try await store.makeEvent(venue, name: "Soon", days: 1)
            clock.advance(by: 2 * 86_400)
            for (event, expected) in [(cancelled, "event_cancelled"), (soon, "event_started")] {
                do {
                    _ = try await store.bookings.create(venue: venue, customerId: ann.id, eventId: event.id, seats: 1, notes: nil, source: .api, actor: .system)
                    Issue.record("booked a closed event")
                } catch { #expect(code(error) == expected) }
            }
        }
    }

    @Test(arguments: TestEngines.all)
    func unknownOrForeignIdsAreFieldErrors(engine: EngineKind) async throws {
        try await withTestStore(engine) { store in
            let venue = try await store.makeVenue()
            let other = try await store.makeVenue("anchor")
            let theirs = try await store.makeCustomer(other)
            let event = try await store.makeEvent(venue)
            await #expect(throws: CrierError.invalid(FieldErrors("customer_id", "is not a customer of this venue"))) {
                try await store.bookings.create(venue: venue, customerId: theirs.id, eventId: event.id, seats: 1, notes: nil, source: .api, actor: .system)
            }
            var expected = FieldErrors("customer_id", "is required")
            expected.add("seats", "must be 0 or more (0 = reminder only)")
            await #expect(throws: CrierError.invalid(expected)) {
                try await store.bookings.create(venue: venue, customerId: nil, eventId: event.id, seats: -1, notes: nil, source: .api, actor: .system)
            }
        }
    }

    /// The rule the whole capacity design exists for: the last seat goes to exactly one booking,
    /// however many ask at once, on both engines.
    @Test(arguments: TestEngines.all)
    func concurrentRequestsForTheLastSeatsNeverOverbook(engine: EngineKind) async throws {
        try await withTestStore(engine) { store in
            let venue = try await store.makeVenue()
            let event = try await store.makeEvent(venue, capacity: 5)
            var customers: [Customer] = []
            for i in 0..<20 { customers.append(try await store.makeCustomer(venue, n: i)) }
            let outcomes = await withTaskGroup(of: String.self) { group in
                for customer in customers {
                    group.addTask {
                        do {
                            _ = try await store.bookings.create(
                                venue: venue, customerId: customer.id, eventId: event.id, seats: 1, notes: nil, source: .api, actor: .system)
                            return "booked"
                        } catch { return code(error) ?? "\(error)" }
                    }
                }
                return await group.reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 }
            }
            #expect(outcomes == ["booked": 5, "capacity_exceeded": 15])
            #expect(try await store.events.get(venueId: venue.id, id: event.id).seatsBooked == 5)
        }
    }

    @Test(arguments: TestEngines.all)
    func twoRequestsForTheLastSeat(engine: EngineKind) async throws {
        try await withTestStore(engine) { store in
            let venue = try await store.makeVenue()
            let event = try await store.makeEvent(venue, capacity: 1)
            let a = try await store.makeCustomer(venue, n: 1), b = try await store.makeCustomer(venue, n: 2)
            async let first = Result { try await store.bookings.create(venue: venue, customerId: a.id, eventId: event.id, seats: 1, notes: nil, source: .api, actor: .system) }
            async let second = Result { try await store.bookings.create(venue: venue, customerId: b.id, eventId: event.id, seats: 1, notes: nil, source: .api, actor: .system) }
            let results = await [first, second]
            #expect(results.filter { (try? $0.get()) != nil }.count == 1)
        }
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
