import CrierCore
import CrierPluginKit
import CrierServer
import CrierStore
import CrierTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import Timeline

/// The timeline plugin: each customer's activity from the journal, with staff notes, on both engines.
struct TimelinePluginTests {
    static func sentences(_ store: Store, _ host: PluginHost, _ venue: Venue, _ customer: Customer, query: [String: String] = [:])
        async throws -> [String]
    {
        let services = host.services(for: "timeline", store: store)
        let filter = try TimelineFilter.read(query, venueId: venue.id, customerId: customer.id, zone: venue.timeZone)
        let page = try await store.pluginEngine.read { db in try await TimelineList.page(db, filter, cursor: nil, limit: 100) }
        return try await TimelineView.make(page.rows, venueId: venue.id, services: services).map { view in
            view.what + (view.row.item?.status.map { " [\($0)]" } ?? "") + (view.body.map { ": \($0)" } ?? "")
        }
    }

    static func snapshot(_ store: Store) async throws -> String {
        try await store.pluginEngine.read { db in
            let items = try await db.raw("SELECT * FROM timeline_items ORDER BY entry_id")
                .all(decoding: TimelineItem.self, keyDecodingStrategy: .convertFromSnakeCase)
            let notes = try await db.raw("SELECT * FROM timeline_notes ORDER BY id")
                .all(decoding: TimelineNote.self, keyDecodingStrategy: .convertFromSnakeCase)
            return (items.map { "\($0)" } + notes.map { "\($0)" }).joined(separator: "\n")
        }
    }

    @Test(arguments: TestEngines.all)
    func eachCustomersActivityIsBuiltLiveAndARebuildKeepsTheNotes(engine: EngineKind) async throws {
        try await withTestStore(engine) { store in
            let host = try testPluginHost([TimelinePlugin.self], clock: store.clock)
            try await host.migrate(store)
            let runner = host.projections(store: store, batchSize: 2)
            let venue = try await store.makeVenue()
            let (ann, bob, cat) = try await ContactsPluginTests.history(store, venue) { try await runner.catchUp() }
            // Ann's first confirmation is delivered; the report moves the item stored earlier.
            let texts = try await store.messages.list(venueId: venue.id, filter: MessageFilter(customerId: ann.id), cursor: nil, limit: 10)
            let first = try #require(texts.items.filter { $0.direction == .out && $0.sentAt != nil }.map(\.id).min())
            try await store.dispatch.record(first, .report(.delivered))
            try await runner.catchUp()
            let services = host.services(for: "timeline", store: store)
            let caller = PluginCaller(venueId: venue.id, venueIds: [venue.id], actor: .staff(1), actorName: "ann@crown.test", role: .staff,
                                      canWrite: true, csrfToken: nil)
            _ = try await TimelineNotes.add(customerId: ann.id, body: "Prefers the window table", caller: caller, services: services)

            let anns = try await Self.sentences(store, host, venue, ann)
            let confirmations = texts.items.filter { $0.direction == .out && $0.sentAt != nil }.sorted { $0.id > $1.id }.compactMap(\.body)
            #expect(anns == [
                "Note by ann@crown.test: Prefers the window table",
                "Replied: See you there",
                "Text sent: booking confirmation [sent]: " + confirmations[0],
                "Text sent: booking confirmation [delivered]: " + confirmations[1],
                "Reminder-only booking for Gig (through the API)",
                "Booked 2 seats for Quiz (through the API)",
                "Agreed to booking texts (when added)",
            ])
            let bobs = try await Self.sentences(store, host, venue, bob, query: ["kind": "bookings"])
            #expect(bobs == [
                "Booking for Film cancelled", "Booked 1 seat for Film (through the API)", "Booking for Quiz changed: seats 4 → 3",
                "Booked 4 seats for Quiz (through the API)",
            ])
            let cats = try await Self.sentences(store, host, venue, cat, query: ["kind": "replies,consent"])
            #expect(cats == ["Opted out of booking texts (STOP reply)", "Replied with an opt-out word: STOP", "Agreed to booking texts (when added)"])

            let live = try await Self.snapshot(store)
            _ = try await runner.rebuild(plugin: "timeline") { _, _ in }
            #expect(try await Self.snapshot(store) == live)
            #expect(live.contains("Prefers the window table"))

            // Deleting a customer deletes their timeline and notes.
            try await store.customers.delete(venueId: venue.id, id: ann.id, actor: .system)
            try await runner.catchUp()
            let left = try await Self.snapshot(store)
            #expect(!left.contains("customerId: \(ann.id),") && !left.contains("Prefers the window table"))
            #expect(left.contains("customerId: \(bob.id),"))
        }
    }

    @Test(arguments: TestEngines.all)
    func thePageGroupsByDayFiltersTakesNotesAndExportsAndTheAPIPages(engine: EngineKind) async throws {
        let clock = ManualClock(testNow)
        try await WebHarness.run(engine, clock: clock, plugins: [TimelinePlugin.self]) { first in
            let store = first.store
            let (ann, _, _) = try await ContactsPluginTests.history(store, first.venue)
            clock.advance(by: 2 * 86_400)
            // Two days on, the first session has lapsed: sign in again.
            var web = try await WebHarness.signedIn(client: first.client, store: store, venue: first.venue, user: first.owner)
            web.plugins = first.plugins
            let late = try await store.makeEvent(web.venue, name: "Late Show", days: 5)
            _ = try await store.bookings.create(venue: web.venue, customerId: ann.id, eventId: late.id, seats: 1, notes: nil, source: .staff, actor: .system)
            try await web.plugins.projections(store: store).catchUp()
            let base = "/plugins/timeline/customers/\(ann.id)"

            // Grouped by day in the venue's zone, newest first; every field labelled.
            let page = try await web.get(base)
            #expect(page.status == .ok && page.unlabelledInputs.isEmpty)
            #expect(page.matches(#"<h2>([^<]+)</h2>"#) == ["Monday 23 November 2026", "Saturday 21 November 2026"])
            #expect(page.count("Booked 1 seat for Late Show (by staff)") == 1 && page.count("Replied") == 1)
            let detail = try await web.get("/customers/\(ann.id)")
            #expect(detail.count("<h2>Timeline</h2>") == 1 && detail.count("Booked 1 seat for Late Show") == 1)
            #expect(detail.count(#"<a href="\#(base)">Full timeline and notes</a>"#) == 1)

            // Notes: a blank one is refused beside the field; the author and managers may change one, other staff not.
            let blank = try await web.post(base + "/notes", [("body", "   ")])
            #expect(blank.status == .unprocessableContent && blank.count("Note is required") == 1)
            #expect(try await web.post(base + "/notes", [("body", "=SUM(A1) call back, \"urgent\"")]).status == .seeOther)
            let noteId = try await store.pluginEngine.read { db in
                try await db.raw("SELECT id FROM timeline_notes").first()!.decode(column: "id", as: Int64.self)
            }
            let staff = try await web.colleague(.staff, email: "sam@crown.test")
            #expect(try await staff.post("/plugins/timeline/notes/\(noteId)", [("body", "mine now")]).status == .forbidden)
            #expect(try await staff.post("/plugins/timeline/notes/\(noteId)/delete").status == .forbidden)
            #expect(try await staff.get(base).count("Edit or delete") == 0)
            #expect(try await staff.post(base + "/notes", [("body", "Sam's note")]).status == .seeOther)
            let manager = try await web.colleague(.manager, email: "max@crown.test")
            #expect(try await manager.post("/plugins/timeline/notes/\(noteId)", [("body", "=SUM(A1) call back today")]).status == .seeOther)
            let notes = try await web.get(base + "?kind=notes")
            #expect(notes.matches(#"> (Note by [^<\s]+)"#) == ["Note by sam@crown.test", "Note by owner@crown.test"])
            #expect(notes.count("=SUM(A1) call back today") >= 1 && notes.count("(edited by max@crown.test)") == 1)

            // Filters by kind and dates; bad ones are refused by name.
            #expect(try await web.get(base + "?from=2026-11-23").matches(#"<h2>([^<]+)</h2>"#) == ["Monday 23 November 2026"])
            #expect(try await web.get(base + "?to=2026-11-21&kind=bookings").count("Late Show") == 0)
            let bad = try await web.get(base + "?kind=everything&from=21/11/2026")
            #expect(bad.status == .unprocessableContent)
            #expect(bad.count("kind: must be one or more of bookings, texts, replies, consent, notes") == 1)
            #expect(bad.count("from: must be a date as YYYY-MM-DD") == 1)
            #expect(try await web.get("/plugins/timeline/customers/999999").status == .notFound)

            // The CSV export: every row, oldest last, formulas neutralised, a BOM when asked.
            let csv = try await web.get(base + "/export")
            #expect(csv.status == .ok && csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.headers[.contentDisposition] == "attachment; filename=\"timeline-customer-\(ann.id)-2026-11-23.csv\"")
            let records = try CSVReader.records(Array(csv.html.utf8))
            #expect(records.first?.fields == TimelineExport.header)
            #expect(records.count == 1 + (try await Self.sentences(store, web.plugins, web.venue, ann)).count)
            #expect(csv.html.contains("'=SUM(A1) call back today") && records.contains { $0.fields[5] == "=SUM(A1) call back today" })
            #expect(records.last?.fields[1] == "opted_in")
            let excel = try await web.get(base + "/export?bom=1")
            #expect(Array(excel.html.utf8.prefix(3)) == [0xEF, 0xBB, 0xBF])

            // The API: cursor pages newest first with nothing repeated, and notes.
            let key = try await store.apiKeys.create(venueId: web.venue.id, name: "Website", scope: .write, actor: .system).secret
            func api(_ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil) async throws -> (Int, JSONValue?) {
                let response = try await web.client.executeRequest(
                    uri: uri, method: method, headers: [.authorization: "Bearer \(key)", .contentType: "application/json"],
                    body: body.map { ByteBuffer(string: $0) })
                return (Int(response.status.code), try? JSONDecoder().decode(JSONValue.self, from: Data(buffer: response.body)))
            }
            let root = "/api/v1/plugins/timeline/customers/\(ann.id)"
            var seen: [String] = [], times: [String] = []
            var uri: String? = root + "?limit=2"
            while let next = uri {
                let (status, body) = try await api(.get, next)
                #expect(status == 200)
                for item in body?["items"]?.array ?? [] {
                    seen.append("\(item["kind"]?.string ?? "")\(item["entry_id"]?.int ?? item["note_id"]?.int ?? 0)")
                    times.append(item["at"]?.string ?? "")
                }
                uri = body?["next_cursor"]?.string.map { root + "?limit=2&cursor=\($0)" }
            }
            #expect(seen.count == records.count - 1 && Set(seen).count == seen.count)
            #expect(times == times.sorted(by: >))
            let (created, note) = try await api(.post, root + "/notes", #"{"body": "Called about parking"}"#)
            #expect(created == 201 && note?["author_name"]?.string == "API key “Website”")
            let id = try #require(note?["note_id"]?.int)
            let (edited, changed) = try await api(.patch, "/api/v1/plugins/timeline/notes/\(id)", #"{"body": "Called about parking twice"}"#)
            #expect(edited == 200 && changed?["body"]?.string == "Called about parking twice")
            #expect(try await api(.patch, "/api/v1/plugins/timeline/notes/\(id)", #"{"body": ""}"#).1?["error"]?["fields"]?["body"]?.string == "is required")
            #expect(try await api(.post, root + "/notes", #"{"body": 3}"#).0 == 422)
            #expect(try await api(.delete, "/api/v1/plugins/timeline/notes/\(id)").0 == 204)
            #expect(try await api(.delete, "/api/v1/plugins/timeline/notes/\(id)").0 == 404)
            let (filtered, only) = try await api(.get, root + "?kind=bookings&from=2026-11-23")
            #expect(filtered == 200 && only?["items"]?.array.map { $0["what"]?.string ?? "" } == ["Booked 1 seat for Late Show (by staff)"])
            #expect(try await api(.get, root + "?kind=calls").0 == 422)

            // Another venue's customer is not there.
            let anchor = try await store.makeVenue("anchor")
            let dan = try await store.makeCustomer(anchor, first: "Dan", last: "Dawson", n: 4)
            #expect(try await api(.get, "/api/v1/plugins/timeline/customers/\(dan.id)").0 == 404)
            #expect(try await api(.post, "/api/v1/plugins/timeline/customers/\(dan.id)/notes", #"{"body": "x"}"#).0 == 404)
        }
    }
}
