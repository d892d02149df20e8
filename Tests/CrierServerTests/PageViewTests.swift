import Contacts
import CrierCore
import CrierStore
import CrierTestSupport
import Exports
import Foundation
import Testing
import Timeline

/// Every staff page, core and plugin, rendered from fixture data through its typed view with the
/// template check on (a name a template looks up outside its view is a 500): none shows a Swift
/// description of a value, an empty status pill, or a date without its year in another year.
struct PageViewTests {
    /// Text that only a Swift value printed by accident makes.
    static let leaks = [#"[""#, #"":"#, "Optional(", ">nil<", " nil ", "[:]"]

    /// What is wrong with `page`, by kind; empty when it reads as staff should see it.
    static func problems(_ page: WebHarness.Page) -> [String] {
        var found: [String] = []
        if page.status != .ok { found.append("status \(page.status): \(page.html.prefix(400))") }
        for leak in leaks {
            guard let at = page.html.range(of: leak) else { continue }
            let before = page.html[..<at.lowerBound].suffix(60)
            found.append("shows \(leak) after …\(before)")
        }
        if !page.matches(#"(<span class="status[^"]*">\s*</span>)"#).isEmpty { found.append("an empty status pill") }
        if !page.matches(#"(<a [^>]*>\s*</a>)"#).isEmpty { found.append("a link with no text: \(page.matches(#"(<a [^>]*>\s*</a>)"#))") }
        return found
    }

    @Test(arguments: TestEngines.all)
    func everyPageShowsWhatItMeans(engine: EngineKind) async throws {
        try await WebHarness.run(engine, plugins: [ContactsPlugin.self, TimelinePlugin.self, ExportsPlugin.self]) { web in
            let store = web.store
            let ids = try await WebPageTests.seed(web)
            // Next year's event, one tomorrow, a failed text, a note on the timeline, an API key and an invitation.
            let nextYear = try await store.events.create(
                venue: web.venue, input: EventInput(name: "New Year quiz", startsAt: "2027-01-20T19:00", capacity: 30), actor: .system)
            let tomorrow = try await store.makeEvent(web.venue, name: "Wine tasting", days: 1)
            _ = try await store.bookings.create(
                venue: web.venue, customerId: ids.customer, eventId: nextYear.event.id, seats: 0, notes: nil, source: .staff, actor: .system)
            #expect(try await web.post("/settings/api-keys", [("name", "Booking site"), ("scope", "read")]).status == .created)
            #expect(try await web.post("/settings/staff", [("email", "sam@crown.test"), ("role", "staff")]).status == .created)
            try await web.plugins.projections(store: store).catchUp()
            let note = try await web.post("/plugins/timeline/customers/\(ids.customer)/notes", [("body", "Prefers the window table")])
            #expect(note.status == .seeOther)
            try await web.plugins.projections(store: store).catchUp()

            let pages = [
                "/", "/customers", "/customers?q=zzz", "/customers/new", "/customers/\(ids.customer)", "/customers/\(ids.customer)/edit",
                "/customers/\(ids.customer)/delete", "/customers/\(ids.customer)/erase", "/customers/\(ids.customer)/bookings/new",
                "/events", "/events?when=past", "/events/new", "/events/\(ids.event)", "/events/\(nextYear.event.id)",
                "/events/\(ids.event)/edit", "/events/\(ids.event)/cancel", "/events/\(ids.event)/bookings/new?q=neil",
                "/bookings/\(ids.booking)/edit", "/inbox", "/inbox?show=unmatched", "/messages", "/messages/\(ids.message)",
                "/messages/\(ids.inbound)", "/settings", "/settings/provider", "/settings/templates", "/settings/templates/confirmation",
                "/settings/staff", "/settings/api-keys", "/settings/audit", "/settings/plugins", "/api/docs",
                "/plugins/contacts", "/plugins/timeline/customers/\(ids.customer)", "/plugins/exports",
            ]
            for path in pages {
                let page = try await web.get(path)
                #expect(Self.problems(page).isEmpty, "\(path): \(Self.problems(page))")
            }

            // Dates: the year when it is not this one; the dashboard says days as people do.
            let event = try await web.get("/events/\(nextYear.event.id)")
            #expect(event.html.contains("Wed 20 Jan 2027, 7pm"), "\(event.matches(#"<dd>([^<]*20 Jan[^<]*)"#))")
            #expect(try await web.get("/events").html.contains("Wed 20 Jan 2027, 7pm"))
            let today = try await web.get("/")
            #expect(today.html.contains(">Wine tasting</a>") && today.html.contains("tomorrow, "), "\(today.matches(#"<td>([^<]*)</td>"#))")
            #expect(today.html.contains("Times are in the venue's time zone, Europe/London"))
            _ = tomorrow

            // The badge is a count; a note carries no delivery status.
            #expect(today.matches(#"Inbox <span class="count"[^>]*>([^<]*)</span>"#) == ["1"])
            let timeline = try await web.get("/plugins/timeline/customers/\(ids.customer)")
            let noteRow = try #require(timeline.html.range(of: "Prefers the window table"))
            let row = timeline.html[timeline.html[..<noteRow.lowerBound].range(of: "<li", options: .backwards)!.lowerBound..<noteRow.lowerBound]
            #expect(!row.contains("class=\"status"), "\(row)")
        }
    }
}
