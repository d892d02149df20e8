import CrierCore
import CrierServer
import CrierStore
import CrierTestSupport
import Foundation
import Hummingbird
import Testing

/// The day-to-day forms over HTTP: bad input comes back with the field's message and what was
/// typed; good input is saved and the page says which texts were queued.
struct WebFormTests {
    @Test(arguments: TestEngines.all)
    func customerEventAndBookingsFromTheForms(engine: EngineKind) async throws {
        try await WebHarness.run(engine) { web in
            let bad = try await web.post("/customers/new", [("first_name", "Ann"), ("last_name", "Lee"), ("mobile", "12345")])
            #expect(bad.status == .unprocessableContent)
            #expect(bad.html.contains(#"id="mobile-error""#) && bad.html.contains(#"value="12345""#) && bad.html.contains(#"value="Ann""#))
            let good = try await web.post("/customers/new", [("first_name", "Ann"), ("last_name", "Lee"), ("mobile", "07700 900123")])
            #expect(good.status == .seeOther)
            let customerId = try #require(good.location?.firstMatch(#"/customers/(\d+)"#).flatMap { Int64($0) })
            #expect(try await web.get("/customers/\(customerId)").html.contains("+447700900123"))

            let event = try await web.post("/events/new", [("name", "Quiz"), ("starts_at", "2026-12-05T19:30"), ("capacity", "2")])
            #expect(event.status == .seeOther)
            let eventId = try #require(event.location?.firstMatch(#"/events/(\d+)"#).flatMap { Int64($0) })
            let pastEvent = try await web.post("/events/new", [("name", "Quiz"), ("starts_at", "2020-01-01T19:30")])
            #expect(pastEvent.status == .unprocessableContent && pastEvent.html.contains(#"id="starts_at-error""#))

            let booked = try await web.post("/events/\(eventId)/bookings/new", [("customer_id", "\(customerId)"), ("seats", "2")])
            #expect(booked.status == .seeOther)
            let notice = try await web.get(try #require(booked.location))
            #expect(notice.html.contains("confirmation"), "\(notice.html)")
            let second = try await web.post("/events/\(eventId)/bookings/new", [("customer_id", "\(customerId)"), ("seats", "1")])
            #expect(second.status == .conflict && second.html.contains("already"))

            let other = try await web.post("/customers/new", [("first_name", "Bo"), ("last_name", "Ray"), ("mobile", "07700 900124")])
            let otherId = try #require(other.location?.firstMatch(#"/customers/(\d+)"#).flatMap { Int64($0) })
            let over = try await web.post("/customers/\(otherId)/bookings/new", [("event_id", "\(eventId)"), ("seats", "1")])
            #expect(over.status == .conflict, "\(over.status)")
            #expect(over.html.contains("seat"), "over capacity explains itself")
            let reminderOnly = try await web.post("/customers/\(otherId)/bookings/new", [("event_id", "\(eventId)"), ("seats", "0")])
            #expect(reminderOnly.status == .seeOther)
            let page = try await web.get("/events/\(eventId)")
            #expect(page.html.contains("reminder only"))

            let log = try await web.get("/messages?kind=confirmation")
            #expect(log.count("<tr") == 3, "a header and two confirmations")
        }
    }

    @Test(arguments: TestEngines.all)
    func cancellingAnEventTextsAttendeesOnlyWhenAsked(engine: EngineKind) async throws {
        try await WebHarness.run(engine) { web in
            let store = web.store
            let ann = try await store.makeCustomer(web.venue, n: 1), bo = try await store.makeCustomer(web.venue, first: "Bo", n: 2)
            var events: [Int64] = []
            for name in ["Quiz", "Gig"] {
                let event = try await store.events.create(venue: web.venue, input: EventInput(name: name, startsAt: "2026-12-05T19:30"), actor: .system)
                for customer in [ann, bo] {
                    _ = try await store.bookings.create(venue: web.venue, customerId: customer.id, eventId: event.event.id, seats: 1, notes: nil,
                                                        source: .staff, actor: .system)
                }
                events.append(event.event.id)
            }
            let confirm = try await web.get("/events/\(events[0])/cancel")
            #expect(confirm.html.contains(#"name="text_attendees""#) && confirm.html.contains("2 people"))
            #expect(try await web.post("/events/\(events[0])/cancel", [("text_attendees", "true")]).location == "/events/\(events[0])?done=cancelled_texted")
            #expect(try await web.post("/events/\(events[1])/cancel").status == .seeOther)
            // Again, with texts this time, and once more: still one text per booking.
            _ = try await web.post("/events/\(events[0])/cancel", [("text_attendees", "true")])
            let texted = try await store.messages.list(
                venueId: web.venue.id, filter: MessageFilter(eventId: events[0], kind: .bookingCancelled), cursor: nil, limit: 10).items
            #expect(texted.count == 2 && texted.allSatisfy { $0.status == .scheduled })
            let untexted = try await store.messages.list(
                venueId: web.venue.id, filter: MessageFilter(eventId: events[1], kind: .bookingCancelled), cursor: nil, limit: 10).items
            #expect(untexted.isEmpty)
            let reminders = try await store.messages.list(venueId: web.venue.id, filter: MessageFilter(eventId: events[0], kind: .reminder24h),
                                                          cursor: nil, limit: 10).items
            #expect(reminders.count == 2 && reminders.allSatisfy { $0.status == .cancelled })
            #expect(try await web.get("/events/\(events[0])?done=cancelled_texted").html.contains("everyone booked is being texted"))
        }
    }

    @Test(arguments: TestEngines.all)
    func signingInThroughTheFormAndOut(engine: EngineKind) async throws {
        try await WebHarness.run(engine) { web in
            var browser = web
            browser.session = nil
            let form = try await browser.get("/login?next=/events")
            let cookie = try #require(form.headers[.setCookie]?.firstMatch(#"crier_csrf=([^;]+)"#))
            let token = try #require(form.html.firstMatch(#"name="csrf_token" value="([^"]+)""#))
            func login(_ password: String) async throws -> WebHarness.Page {
                let body = [("email", "owner@crown.test"), ("password", password), ("next", "/events"), ("csrf_token", token)]
                    .map { "\(WebHarness.encode($0.0))=\(WebHarness.encode($0.1))" }.joined(separator: "&")
                return try await browser.send(.post, "/login", body: body, cookies: ["crier_csrf": cookie])
            }
            let wrong = try await login("wrong password")
            #expect(wrong.status == .unauthorized || wrong.status == .unprocessableContent)
            #expect(wrong.html.contains(#"value="owner@crown.test""#))
            let right = try await login("correct horse")
            #expect(right.status == .seeOther && right.location == "/events")
            let setCookie = try #require(right.headers[.setCookie])
            #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax"))
            let session: String = try #require(setCookie.firstMatch(#"crier_session=([^;]+)"#))
            browser.session = session
            browser.csrf = try #require(try await browser.get("/events").html.firstMatch(#"name="csrf_token" value="([^"]+)""#))
            #expect(try await browser.post("/logout").status == .seeOther)
            #expect(try await browser.get("/events").location?.hasPrefix("/login") == true)
        }
    }
}
