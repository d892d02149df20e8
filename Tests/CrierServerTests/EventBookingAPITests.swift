import CrierCore
import CrierStore
import CrierTestSupport
import Foundation
import Hummingbird
import Testing

struct EventBookingAPITests {
    @Test(arguments: TestEngines.all)
    func eventsTakeLocalOrOffsetTimes(engine: EngineKind) async throws {
        try await APIHarness.run(engine) { api in
            let local = try await api.post("/api/v1/events", #"{"name":"Summer quiz","starts_at":"2027-07-02T19:30","capacity":30}"#)
            #expect(local.status == .created)
            #expect(local["starts_at"] == "2027-07-02T19:30:00+01:00")
            #expect(local["starts_at_local"] == "2027-07-02T19:30")
            #expect(local["seats_left"] == 30)
            let offset = try await api.post("/api/v1/events", #"{"name":"Gig","starts_at":"2026-12-05T20:00:00-05:00"}"#)
            #expect(offset["starts_at"] == "2026-12-06T01:00:00Z")
            #expect(offset["capacity"] == .null)
            #expect(offset["seats_left"] == .null)

            let gap = try await api.post("/api/v1/events", #"{"name":"Gig","starts_at":"2027-03-28T01:30"}"#)
            #expect(gap.fieldErrors["starts_at"] == "does not exist in Europe/London: the clocks go forward over it")
            let past = try await api.post("/api/v1/events", #"{"name":"Gig","starts_at":"2026-11-01T19:00","capacity":-2}"#)
            #expect(past.fieldErrors["starts_at"] == "must be in the future")
            #expect(past.fieldErrors["capacity"] != nil)
            let words = try await api.post("/api/v1/events", #"{"name":"Gig","starts_at":"next friday","capacity":"ten"}"#)
            #expect(words.fieldErrors["capacity"] == "must be a number, not string")
        }
    }

    @Test(arguments: TestEngines.all)
    func upcomingAndPastFollowTheClock(engine: EngineKind) async throws {
        let clock = ManualClock(testNow)
        try await APIHarness.run(engine, clock: clock) { api in
            _ = try await api.event("First", startsAt: "2026-11-25T19:00")
            _ = try await api.event("Second", startsAt: "2026-12-25T19:00")
            clock.advance(to: EventTime.rfc3339("2026-12-01T00:00:00Z")!)
            #expect(try await api.get("/api/v1/events")["items"]?.array.map { $0["name"]?.string } == ["Second"])
            #expect(try await api.get("/api/v1/events?when=past")["items"]?.array.map { $0["name"]?.string } == ["First"])
            #expect(try await api.get("/api/v1/events?when=all")["items"]?.array.count == 2)
            #expect(try await api.get("/api/v1/events?when=soon").fieldErrors["when"] != nil)
        }
    }

    @Test(arguments: TestEngines.all)
    func bookingsSplitSeatsFromReminderOnly(engine: EngineKind) async throws {
        try await APIHarness.run(engine) { api in
            let event = try await api.event(capacity: "3")
            let ann = try await api.customer("Ann", "Lee", mobile: "07700 900001")
            let bob = try await api.customer("Bob", "Ray", mobile: "07700 900002")
            let cat = try await api.customer("Cat", "Day", mobile: "07700 900003")
            let seated = try await api.booking(customer: ann, event: event, seats: 2)
            let reminder = try await api.post("/api/v1/bookings", #"{"customer_id":\#(bob),"event_id":\#(event),"seats":0,"notes":"remind me"}"#)
            #expect(reminder["reminder_only"] == .bool(true))
            #expect(reminder["source"] == "api")

            let over = try await api.post("/api/v1/bookings", #"{"customer_id":\#(cat),"event_id":\#(event),"seats":2}"#)
            #expect(over.status == .conflict)
            #expect(over.errorCode == "capacity_exceeded")
            #expect(over.fieldErrors["seats"] == "only 1 left")

            let again = try await api.post("/api/v1/bookings", #"{"customer_id":\#(ann),"event_id":\#(event),"seats":1}"#)
            #expect(again.status == .conflict)
            #expect(again.errorCode == "booking_exists")

            let list = try await api.get("/api/v1/bookings?event_id=\(event)")
            #expect(list["summary"] == ["seats_booked": 2, "seats_left": 1, "seated": 1, "reminder_only": 1])
            #expect(try await api.get("/api/v1/bookings?event_id=\(event)&reminder_only=true")["items"]?.array.map { $0["id"]?.int } == [Int(reminder.id)])
            #expect(try await api.get("/api/v1/bookings?customer_id=\(ann)")["items"]?.array.count == 1)
            #expect(try await api.get("/api/v1/bookings?reminder_only=maybe").fieldErrors["reminder_only"] != nil)

            let changed = try await api.patch("/api/v1/bookings/\(seated)", #"{"seats":3,"notes":"birthday"}"#)
            #expect(changed.status == .ok)
            #expect(changed["seats"] == 3)
            let negative = try await api.patch("/api/v1/bookings/\(seated)", #"{"seats":-1}"#)
            #expect(negative.fieldErrors["seats"] == "must be 0 or more (0 = reminder only)")

            let cancelled = try await api.post("/api/v1/bookings/\(seated)/cancel", "")
            #expect(cancelled["status"] == "cancelled")
            #expect(try await api.get("/api/v1/events/\(event)")["seats_left"] == 3)
            #expect(try await api.patch("/api/v1/bookings/\(seated)", #"{"status":"active"}"#).status == .conflict)
            #expect(try await api.delete("/api/v1/bookings/\(reminder.id)").status == .noContent)
            #expect(try await api.get("/api/v1/bookings/\(reminder.id)").status == .notFound)
        }
    }

    /// A PATCH that changes fields and status together is one transaction: with the status change
    /// refused by the database (a trigger), the field change is not kept either.
    @Test(arguments: TestEngines.all)
    func aPatchOfFieldsAndStatusIsOneTransaction(engine: EngineKind) async throws {
        try await APIHarness.run(engine) { api in
            let event = try await api.event(capacity: "10")
            let ann = try await api.customer()
            let bob = try await api.customer("Bob", "Ray", mobile: "07700 900124")
            let first = try await api.booking(customer: ann, event: event, seats: 2)
            let both = try await api.patch("/api/v1/bookings/\(first)", #"{"seats":3,"status":"cancelled"}"#)
            #expect(both.status == .ok && both["seats"] == 3 && both["status"] == "cancelled")
            let kinds = try await api.store.journal.after(id: 0, limit: 1000).filter { $0.subjectId == first && $0.subjectType == "booking" }.map(\.kind)
            #expect(kinds == ["booking.created", "booking.changed", "booking.cancelled"])

            let second = try await api.booking(customer: bob, event: event, seats: 2)
            try await Self.refuseCancelling(api.store, table: "bookings")
            let before = try await api.store.checkpoints.journalHead()
            let refused = try await api.patch("/api/v1/bookings/\(second)", #"{"seats":4,"status":"cancelled"}"#)
            #expect(refused.status == .internalServerError)
            let kept = try await api.get("/api/v1/bookings/\(second)")
            #expect(kept["seats"] == 2 && kept["status"] == "active")
            try await Self.refuseCancelling(api.store, table: "events")
            let refusedEvent = try await api.patch("/api/v1/events/\(event)", #"{"name":"Quiz night","status":"cancelled"}"#)
            #expect(refusedEvent.status == .internalServerError)
            let keptEvent = try await api.get("/api/v1/events/\(event)")
            #expect(keptEvent["name"] == "Quiz" && keptEvent["status"] == "scheduled")
            #expect(try await api.store.checkpoints.journalHead() == before)
        }
    }

    /// Makes the database refuse to set `table`'s status to cancelled.
    static func refuseCancelling(_ store: Store, table: String) async throws {
        try await store.engine.transaction { db in
            switch store.engine.kind {
            case .sqlite:
                try await db.raw("""
                    CREATE TRIGGER refuse_\(unsafeRaw: table) BEFORE UPDATE OF status ON \(unsafeRaw: table) WHEN NEW.status = 'cancelled'
                    BEGIN SELECT RAISE(ABORT, 'refused by the test'); END
                    """).run()
            case .postgres:
                try await db.raw("""
                    CREATE FUNCTION refuse_\(unsafeRaw: table)() RETURNS trigger AS $$
                    BEGIN IF NEW.status = 'cancelled' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql
                    """).run()
                try await db.raw("""
                    CREATE TRIGGER refuse_\(unsafeRaw: table) BEFORE UPDATE ON \(unsafeRaw: table) FOR EACH ROW EXECUTE FUNCTION refuse_\(unsafeRaw: table)()
                    """).run()
            }
        }
    }

    @Test(arguments: TestEngines.all)
    func eventsCanBeEditedCancelledAndDeleted(engine: EngineKind) async throws {
        try await APIHarness.run(engine) { api in
            let event = try await api.event(capacity: "10")
            let ann = try await api.customer()
            let booking = try await api.booking(customer: ann, event: event, seats: 4)
            let shrink = try await api.patch("/api/v1/events/\(event)", #"{"capacity":3}"#)
            #expect(shrink.status == .conflict)
            #expect(shrink.fieldErrors["capacity"] == "must be at least 4: that many seats are booked")
            let moved = try await api.patch("/api/v1/events/\(event)", #"{"starts_at":"2026-12-12T20:00","description":"Bring a pen"}"#)
            #expect(moved["starts_at_local"] == "2026-12-12T20:00")
            #expect(moved["description"] == "Bring a pen")
            #expect(moved["capacity"] == 10)

            #expect(try await api.delete("/api/v1/events/\(event)").errorCode == "event_has_bookings")
            let cancelled = try await api.post("/api/v1/events/\(event)/cancel", "")
            #expect(cancelled["status"] == "cancelled")
            let late = try await api.post("/api/v1/bookings", #"{"customer_id":\#(ann),"event_id":\#(event),"seats":0}"#)
            #expect(late.errorCode == "event_cancelled")
            _ = try await api.post("/api/v1/bookings/\(booking)/cancel", "")
            let refused = try await api.post("/api/v1/bookings", #"{"customer_id":\#(ann),"event_id":\#(event),"seats":1}"#)
            #expect(refused.errorCode == "event_cancelled")
            #expect(try await api.delete("/api/v1/events/\(event)").status == .noContent)
        }
    }

    @Test(arguments: TestEngines.all)
    func venueSettings(engine: EngineKind) async throws {
        try await APIHarness.run(engine) { api in
            let venue = try await api.get("/api/v1/venue")
            #expect(venue["quiet_hours"] == ["start": "21:00", "end": "09:00"])
            let changed = try await api.patch("/api/v1/venue", #"{"name":"The Crown","quiet_hours":null,"sms_enabled":false}"#)
            #expect(changed["name"] == "The Crown")
            #expect(changed["quiet_hours"] == .null)
            #expect(changed["sms_enabled"] == .bool(false))
            let bad = try await api.patch("/api/v1/venue", #"{"timezone":"Mars/Base","quiet_hours":{"start":"25:00","end":"09:00"}}"#)
            #expect(bad.fieldErrors["quiet_hours"] != nil)
            let badZone = try await api.patch("/api/v1/venue", #"{"timezone":"Mars/Base"}"#)
            #expect(badZone.fieldErrors["timezone"] != nil)
            #expect(try await api.get("/api/v1/venue")["timezone"] == "Europe/London")
        }
    }

    @Test(arguments: TestEngines.all)
    func cancellingAnEventCanTextEveryoneBooked(engine: EngineKind) async throws {
        try await APIHarness.run(engine) { api in
            let event = try await api.event()
            let ann = try await api.customer(), bo = try await api.customer("Bo", "Ray", mobile: "07700 900124")
            _ = try await api.booking(customer: ann, event: event, seats: 2)
            let boBooking = try await api.booking(customer: bo, event: event, seats: 0)
            _ = try await api.post("/api/v1/bookings/\(boBooking)/cancel", "")
            let typo = try await api.post("/api/v1/events/\(event)/cancel", #"{"text_attendees":"yes"}"#)
            #expect(typo.status == .unprocessableContent && typo.fieldErrors["text_attendees"] != nil)
            #expect(try await api.get("/api/v1/events/\(event)")["status"] == "scheduled", "a refused request changes nothing")
            let cancelled = try await api.post("/api/v1/events/\(event)/cancel", #"{"text_attendees":true}"#)
            #expect(cancelled["status"] == "cancelled")
            _ = try await api.post("/api/v1/events/\(event)/cancel", #"{"text_attendees":true}"#)
            let texts = try await api.get("/api/v1/messages?kind=booking_cancelled")["items"]?.array ?? []
            // Ann is told once; Bo had cancelled already and was told then, not again.
            #expect(texts.count == 2)
            #expect(Set(texts.compactMap { $0["customer_id"]?.int }) == [Int(ann), Int(bo)])
        }
    }
}
