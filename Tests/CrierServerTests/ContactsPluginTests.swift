@testable import Contacts
import CrierCore
import CrierPluginKit
import CrierServer
import CrierStore
import CrierTestSupport
import Foundation
import Logging
import Testing

/// The contacts plugin: a list that builds itself from bookings, texts and opt-outs, on both engines.
struct ContactsPluginTests {
    /// Three customers with bookings, a change, a cancellation, sent confirmations, a reply and a
    /// STOP, a minute apart; `step` runs after each action (a live projection catches up there).
    static func history(_ store: Store, _ venue: Venue, step given: @escaping @Sendable () async throws -> Void = {}) async throws
        -> (ann: Customer, bob: Customer, cat: Customer)
    {
        let step: @Sendable () async throws -> Void = {
            try await given()
            (store.clock as? ManualClock)?.advance(by: 60)
        }
        let ann = try await store.makeCustomer(venue, first: "Ann", last: "Archer", n: 1)
        let bob = try await store.makeCustomer(venue, first: "Bob", last: "Baker", n: 2)
        let cat = try await store.makeCustomer(venue, first: "Cat", last: "Carter", n: 3)
        try await step()
        let quiz = try await store.makeEvent(venue, name: "Quiz", days: 10)
        let gig = try await store.makeEvent(venue, name: "Gig", days: 2)
        let film = try await store.makeEvent(venue, name: "Film", days: 20)
        _ = try await store.bookings.create(venue: venue, customerId: ann.id, eventId: quiz.id, seats: 2, notes: nil, source: .api, actor: .system)
        _ = try await store.bookings.create(venue: venue, customerId: ann.id, eventId: gig.id, seats: 0, notes: nil, source: .api, actor: .system)
        try await step()
        let bobQuiz = try await store.bookings.create(venue: venue, customerId: bob.id, eventId: quiz.id, seats: 4, notes: nil, source: .api, actor: .system)
        _ = try await store.bookings.update(venueId: venue.id, id: bobQuiz.id, seats: 3, notes: .none, actor: .system)
        let bobFilm = try await store.bookings.create(venue: venue, customerId: bob.id, eventId: film.id, seats: 1, notes: nil, source: .api, actor: .system)
        _ = try await store.bookings.cancel(venueId: venue.id, id: bobFilm.id, actor: .system)
        try await step()
        let dispatcher = try Dispatcher(store: store, providers: [ConsoleProvider(write: { _ in })], publicURL: nil, logger: Logger(label: "t"))
        _ = try await dispatcher.runUntilIdle()
        try await step()
        for (n, (from, body)) in [(ann.mobile.e164, "See you there"), (cat.mobile.e164, "STOP")].enumerated() {
            let text = InboundText(provider: "twilio", providerMessageId: "SM-\(n)", from: from, to: "+441234567890", body: body, keywordHandled: nil)
            _ = try await store.inbound.receiveAll([InboundItem(text: text, part: nil, venue: venue, inlineReplies: false) { _, _ in nil }])
            try await step()
        }
        _ = try await dispatcher.runUntilIdle()
        try await step()
        return (ann, bob, cat)
    }

    static func contacts(_ store: Store) async throws -> [Contact] {
        try await store.pluginEngine.read { db in
            try await db.raw("SELECT * FROM contacts ORDER BY customer_id").all(decoding: Contact.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
    }

    static func snapshot(_ store: Store) async throws -> String {
        try await store.pluginEngine.read { db in
            var lines: [String] = []
            for contact in try await db.raw("SELECT * FROM contacts ORDER BY customer_id")
                .all(decoding: Contact.self, keyDecodingStrategy: .convertFromSnakeCase) { lines.append("\(contact)") }
            for booking in try await db.raw("SELECT * FROM contact_bookings ORDER BY booking_id")
                .all(decoding: ContactBooking.self, keyDecodingStrategy: .convertFromSnakeCase) { lines.append("\(booking)") }
            for event in try await db.raw("SELECT * FROM contact_events ORDER BY event_id")
                .all(decoding: ContactEvent.self, keyDecodingStrategy: .convertFromSnakeCase) { lines.append("\(event)") }
            return lines.joined(separator: "\n")
        }
    }

    static func sent(_ store: Store, _ venue: Venue, _ customer: Customer) async throws -> Int {
        let messages = try await store.messages.list(venueId: venue.id, filter: MessageFilter(customerId: customer.id), cursor: nil, limit: 100)
        return messages.items.filter { $0.direction == .out && $0.sentAt != nil }.count
    }

    @Test(arguments: TestEngines.all)
    func enablingOnADatabaseWithHistoryBackfillsEveryCount(engine: EngineKind) async throws {
        let clock = ManualClock(testNow)
        try await withTestStore(engine, clock: clock) { store in
            let venue = try await store.makeVenue()
            let (ann, bob, cat) = try await Self.history(store, venue)
            // Enabled only now: its tables are made and it reads the journal from the first entry.
            let host = try testPluginHost([ContactsPlugin.self], clock: clock)
            try await host.migrate(store)
            try await host.projections(store: store, batchSize: 7).catchUp()
            let contacts = Dictionary(uniqueKeysWithValues: try await Self.contacts(store).map { ($0.customerId, $0) })
            let a = try #require(contacts[ann.id]), b = try #require(contacts[bob.id]), c = try #require(contacts[cat.id])
            #expect((a.bookings, a.activeSeats, a.reminderOnly, a.cancellations) == (2, 2, 1, 0))
            #expect((b.bookings, b.activeSeats, b.reminderOnly, b.cancellations) == (2, 3, 0, 1))
            #expect((c.bookings, c.activeSeats, c.reminderOnly, c.cancellations) == (0, 0, 0, 0))
            #expect(a.messagesOut == (try await Self.sent(store, venue, ann)) && a.messagesOut >= 2)
            #expect(b.messagesOut == (try await Self.sent(store, venue, bob)) && b.messagesOut >= 3)
            #expect((a.messagesIn, b.messagesIn, c.messagesIn) == (1, 0, 1))
            #expect((a.optedOut, b.optedOut, c.optedOut) == (false, false, true))
            #expect(a.firstAt == testNow.millisecondsSince1970 && a.lastReplyId != nil)
            #expect((a.firstName, a.lastName, a.mobile) == ("Ann", "Archer", ann.mobile.e164))

            // Three days on, the gig has happened: Ann attended it; her quiz is still to come.
            clock.advance(by: 3 * 86_400)
            let services = host.services(for: "contacts", store: store)
            let view = try await ContactsView.enrich([a, b, c], services: services, now: clock.now().millisecondsSince1970)
            #expect(view.map(\.attended) == [["Gig"], [], []])
            #expect(view.map(\.upcoming) == [1, 1, 0])
            #expect(view[0].lastReply == "See you there")
        }
    }

    @Test(arguments: TestEngines.all)
    func theLiveStateEqualsABackfillFromTheFirstEntry(engine: EngineKind) async throws {
        try await withTestStore(engine) { store in
            let host = try testPluginHost([ContactsPlugin.self], clock: store.clock)
            try await host.migrate(store)
            let runner = host.projections(store: store, batchSize: 2)
            let venue = try await store.makeVenue()
            let (ann, _, _) = try await Self.history(store, venue) { try await runner.catchUp() }
            // Changes after the first pass are applied to rows built earlier.
            _ = try await store.customers.update(venue: venue, id: ann.id, actor: .system) { input in
                var input = input
                input.lastName = "Archer-Smith"
                return input
            }
            try await runner.catchUp()
            let live = try await Self.snapshot(store)
            #expect(live.contains("Archer-Smith"))
            _ = try await runner.rebuild(plugin: "contacts") { _, _ in }
            #expect(try await Self.snapshot(store) == live)
        }
    }

    @Test(arguments: TestEngines.all)
    func theListSearchesSortsAndFiltersOnThePageAndInTheAPI(engine: EngineKind) async throws {
        try await WebHarness.run(engine, plugins: [ContactsPlugin.self]) { web in
            let store = web.store
            let (ann, _, _) = try await Self.history(store, web.venue)
            try await web.plugins.projections(store: store).catchUp()
            func names(_ query: String) async throws -> [String] {
                let page = try await web.get("/plugins/contacts" + query)
                #expect(page.status == .ok, "\(query)")
                return page.matches(#"<td>(?:<a href="[^"]*">)?([A-Z][a-z]+ [A-Z][a-z]+)"#)
            }
            let page = try await web.get("/plugins/contacts")
            #expect(page.count("<h1>") == 1 && page.unlabelledInputs.isEmpty)
            #expect(try await web.get("/").count(#"<a href="/plugins/contacts">Contacts</a>"#) == 1)
            #expect(try await names("") == ["Cat Carter", "Ann Archer", "Bob Baker"])
            #expect(try await names("?sort=name") == ["Ann Archer", "Bob Baker", "Cat Carter"])
            #expect(try await names("?sort=bookings") == ["Bob Baker", "Ann Archer", "Cat Carter"])
            #expect(try await names("?q=bak") == ["Bob Baker"])
            #expect(try await names("?q=900003") == ["Cat Carter"])
            #expect(try await names("?opted_out=true") == ["Cat Carter"])
            #expect(try await names("?opted_out=false&sort=name") == ["Ann Archer", "Bob Baker"])
            #expect(try await names("?upcoming=true&sort=name") == ["Ann Archer", "Bob Baker"])
            #expect(try await names("?upcoming=false") == ["Cat Carter"])
            #expect(try await names("?inactive_since=2026-11-21") == [])
            #expect(try await names("?inactive_since=2026-11-22&sort=name") == ["Ann Archer", "Bob Baker", "Cat Carter"])
            let bad = try await web.get("/plugins/contacts?sort=age&inactive_since=yesterday")
            #expect(bad.status == .unprocessableContent)
            #expect(bad.count("sort: must be one of last_interaction, bookings, name") == 1)
            #expect(bad.count("inactive_since: must be a date as YYYY-MM-DD") == 1)

            // The panel on the customer's page.
            let detail = try await web.get("/customers/\(ann.id)")
            #expect(detail.count("<h2>Contact summary</h2>") == 1)
            #expect(detail.count("<dd>2 made, 0 cancelled</dd>") == 1)
            #expect(detail.count("2 now, plus 1 reminder-only") == 1)
            #expect(detail.count("See you there") >= 1)

            // The API: cursor pages in order, every field, another venue's contact is not there.
            let key = try await store.apiKeys.create(venueId: web.venue.id, name: "t", scope: .read, actor: .system).secret
            func api(_ uri: String) async throws -> (Int, JSONValue) {
                let response = try await web.client.executeRequest(uri: uri, method: .get, headers: [.authorization: "Bearer \(key)"], body: nil)
                return (Int(response.status.code), try JSONDecoder().decode(JSONValue.self, from: Data(buffer: response.body)))
            }
            var seen: [String] = []
            var uri: String? = "/api/v1/plugins/contacts/contacts?sort=name&limit=1"
            while let next = uri {
                let (status, body) = try await api(next)
                #expect(status == 200)
                seen += body["items"]?.array.compactMap { $0["last_name"]?.string } ?? []
                uri = body["next_cursor"]?.string.map { "/api/v1/plugins/contacts/contacts?sort=name&limit=1&cursor=\($0)" }
            }
            #expect(seen == ["Archer", "Baker", "Carter"])
            let (status, one) = try await api("/api/v1/plugins/contacts/contacts/\(ann.id)")
            #expect(status == 200)
            #expect(one["bookings"]?.int == 2 && one["active_seats"]?.int == 2 && one["reminder_only"]?.int == 1)
            #expect(one["upcoming_bookings"]?.int == 2 && one["opted_out"] == .bool(false))
            #expect(one["last_reply"]?["body"]?.string == "See you there")
            #expect(one["first_interaction_at"]?.string == "2026-11-21T12:00:00Z")
            #expect(try await api("/api/v1/plugins/contacts/contacts?limit=0").0 == 422)
            #expect(try await api("/api/v1/plugins/contacts/contacts/999999").0 == 404)

            // Someone on the staff of two venues sees both in one list.
            let anchor = try await store.makeVenue("anchor")
            try await store.join(web.owner, venueId: anchor.id, role: .owner)
            _ = try await store.makeCustomer(anchor, first: "Dan", last: "Dawson", n: 4)
            try await web.plugins.projections(store: store).catchUp()
            #expect(try await names("?sort=name") == ["Ann Archer", "Bob Baker", "Cat Carter"])
            let both = try await web.get("/plugins/contacts?sort=name&scope=all")
            #expect(both.matches(#"<td>(?:<a href="[^"]*">)?([A-Z][a-z]+ [A-Z][a-z]+)"#) == ["Ann Archer", "Bob Baker", "Cat Carter", "Dan Dawson"])
            #expect(both.count("<td>Anchor</td>") == 1 && both.count("<td>Crown</td>") == 3)
            // Another venue's customer is listed, not linked: their page belongs to that venue.
            #expect(both.count(">Dan Dawson</a>") == 0)
        }
    }
}
