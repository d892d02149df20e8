import CrierCore
import CrierStore
import CrierTestSupport
import Foundation
import Testing

/// Bookings queue their texts in the same transaction; changes cancel, re-time or skip them.
struct OutboxTests {
    func messages(_ store: Store, _ venue: Venue, _ filter: MessageFilter = MessageFilter()) async throws -> [Message] {
        try await store.messages.list(venueId: venue.id, filter: filter, cursor: nil, limit: 200).items.reversed()
    }

    func summary(_ list: [Message]) -> [String] {
        list.map { "\($0.kind.rawValue) \($0.status.rawValue)" + ($0.reason.map { " \($0)" } ?? "") }
    }

    @Test(arguments: TestEngines.all)
    func aBookingTenDaysAheadQueuesAConfirmationAndTwoReminders(engine: EngineKind) async throws {
        try await withTestStore(engine) { store in
            let venue = try await store.makeVenue()
            let event = try await store.makeEvent(venue, days: 10)  // Tue 1 Dec 2026 12:00 GMT
            let ann = try await store.makeCustomer(venue)
            let booking = try await store.bookings.create(venue: venue, customerId: ann.id, eventId: event.id, seats: 2, notes: nil, source: .api, actor: .system)
            let list = try await messages(store, venue)
            #expect(summary(list) == ["confirmation scheduled", "reminder_7d scheduled", "reminder_24h scheduled"])
            #expect(list.allSatisfy { $0.bookingId == booking.id && $0.to == "+447700900000" && $0.direction == .out })
            #expect(list[0].scheduledFor == store.clock.now())
            #expect(list[1].scheduledFor == event.startsAt.addingTimeInterval(-7 * 86_400))
            #expect(list[2].scheduledFor == event.startsAt.addingTimeInterval(-86_400))
            #expect(list[2].deadline == event.startsAt.addingTimeInterval(-2 * 3600))
            #expect(list.map(\.idempotencyKey) == ["confirmation:booking:\(booking.id)", "reminder_7d:booking:\(booking.id)",
                                                   "reminder_24h:booking:\(booking.id)"])
        }
    }

    @Test(arguments: TestEngines.all)
    func aLateBookingSkipsTheRemindersAlreadyDue(engine: EngineKind) async throws {
        try await withTestStore(engine) { store in
            let venue = try await store.makeVenue()
            let ann = try await store.makeCustomer(venue, n: 1), bob = try await store.makeCustomer(venue, n: 2)
            let soon = try await store.makeEvent(venue, name: "Soon", days: 3)
            let tonight = try await store.makeEvent(venue, name: "Tonight", days: 0.3)
            _ = try await store.bookings.create(venue: venue, customerId: ann.id, eventId: soon.id, seats: 0, notes: nil, source: .api, actor: .system)
            _ = try await store.bookings.create(venue: venue, customerId: bob.id, eventId: tonight.id, seats: 1, notes: nil, source: .api, actor: .system)
            #expect(summary(try await messages(store, venue, MessageFilter(eventId: soon.id))) ==
                    ["confirmation scheduled", "reminder_7d skipped booked_after_due", "reminder_24h scheduled"])
            #expect(summary(try await messages(store, venue, MessageFilter(eventId: tonight.id))) ==
                    ["confirmation scheduled", "reminder_7d skipped booked_after_due", "reminder_24h skipped booked_after_due"])
        }
    }

    @Test(arguments: TestEngines.all)
    func changingAndCancellingABooking(engine: EngineKind) async throws {
        try await withTestStore(engine) { store in
            let venue = try await store.makeVenue()
            let event = try await store.makeEvent(venue, days: 10)
            let ann = try await store.makeCustomer(venue)
            let booking = try await store.bookings.create(venue: venue, customerId: ann.id, eventId: event.id, seats: 2, notes: nil, source: .api, actor: .system)
            _ = try await store.bookings.update(venueId: venue.id, id: booking.id, seats: 3, notes: nil, actor: .system)
            _ = try await store.bookings.update(venueId: venue.id, id: booking.id, seats: 3, notes: "birthday", actor: .system)
            _ = try await store.bookings.update(venueId: venue.id, id: booking.id, seats: 3, notes: "birthday", actor: .system)  // no change, no text
            _ = try await store.bookings.cancel(venueId: venue.id, id: booking.id, actor: .system)
            _ = try await store.bookings.cancel(venueId: venue.id, id: booking.id, actor: .system)  // idempotent
            #expect(summary(try await messages(store, venue)) == [
                "confirmation cancelled booking_cancelled", "reminder_7d cancelled booking_cancelled",
                "reminder_24h cancelled booking_cancelled", "booking_changed cancelled booking_cancelled",
                "booking_changed cancelled booking_cancelled", "booking_cancelled scheduled",
            ])
        }
    }

    @Test(arguments: TestEngines.all)
    func movingAnEventRetimesItsReminders(engine: EngineKind) async throws {
        let clock = ManualClock(testNow)
        try await withTestStore(engine, clock: clock) { store in
            let venue = try await store.makeVenue()
            let event = try await store.makeEvent(venue, days: 10)
            let ann = try await store.makeCustomer(venue)
            _ = try await store.bookings.create(venue: venue, customerId: ann.id, eventId: event.id, seats: 2, notes: nil, source: .api, actor: .system)
            let later = event.startsAt.addingTimeInterval(2 * 86_400)
            _ = try await store.events.update(venue: venue, id: event.id, actor: .system) { input in
                var input = input
                input.startsAt = EventTime.rfc3339(later, in: venue.timeZone)
                return input
            }
            var list = try await messages(store, venue, MessageFilter(eventId: event.id))
            #expect(list[1].scheduledFor == later.addingTimeInterval(-7 * 86_400))
            #expect(list[2].scheduledFor == later.addingTimeInterval(-86_400))
            // Brought forward so the 7-day moment has passed: that reminder is skipped, the 24-hour one re-timed.
            let sooner = clock.now().addingTimeInterval(4 * 86_400)
            _ = try await store.events.update(venue: venue, id: event.id, actor: .system) { input in
                var input = input
                input.startsAt = EventTime.rfc3339(sooner, in: venue.timeZone)
                return input
            }
            list = try await messages(store, venue, MessageFilter(eventId: event.id))
            #expect(summary(list) == ["confirmation scheduled", "reminder_7d skipped event_moved_past_due", "reminder_24h scheduled"])
            #expect(list[2].scheduledFor == sooner.addingTimeInterval(-86_400))
        }
    }

    @Test(arguments: TestEngines.all)
    func cancellingAnEventOrDeletingACustomerCancelsPendingTexts(engine: EngineKind) async throws {
        try await withTestStore(engine) { store in
            let venue = try await store.makeVenue()
            let gig = try await store.makeEvent(venue, name: "Gig", days: 10)
            let quiz = try await store.makeEvent(venue, name: "Quiz", days: 12)
            let ann = try await store.makeCustomer(venue, n: 1), bob = try await store.makeCustomer(venue, n: 2)
            _ = try await store.bookings.create(venue: venue, customerId: ann.id, eventId: gig.id, seats: 1, notes: nil, source: .api, actor: .system)
            _ = try await store.bookings.create(venue: venue, customerId: bob.id, eventId: quiz.id, seats: 1, notes: nil, source: .api, actor: .system)
            _ = try await store.events.cancel(venueId: venue.id, id: gig.id, actor: .system)
            #expect(Set(try await messages(store, venue, MessageFilter(eventId: gig.id)).map { "\($0.status) \($0.reason ?? "")" })
                    == ["cancelled event_cancelled"])
            try await store.customers.delete(venueId: venue.id, id: bob.id, actor: .system)
            // Kept for the record, detached from the deleted customer, and never sent.
            let left = try await messages(store, venue, MessageFilter(eventId: quiz.id))
            #expect(left.count == 3)
            #expect(left.allSatisfy { $0.status == .cancelled && $0.reason == "customer_deleted" && $0.customerId == nil })
        }
    }

    @Test(arguments: TestEngines.all)
    func pendingTextsFollowANewMobile(engine: EngineKind) async throws {
        try await withTestStore(engine) { store in
            let venue = try await store.makeVenue()
            let event = try await store.makeEvent(venue, days: 10)
            let ann = try await store.makeCustomer(venue)
            _ = try await store.bookings.create(venue: venue, customerId: ann.id, eventId: event.id, seats: 1, notes: nil, source: .api, actor: .system)
            _ = try await store.customers.update(venue: venue, id: ann.id, actor: .system) { input in
                var input = input
                input.mobile = "07911 123456"
                return input
            }
            #expect(try await messages(store, venue).allSatisfy { $0.to == "+447911123456" })
        }
    }
}
