import Contacts
import CrierServer
import Prometheus
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
        if page.status != .ok { found.append("status \(page.status): \(page.html.suffix(300))") }
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

            let upload = try await web.upload("/plugins/exports/imports", file: Array("First name,Last name,Mobile\r\nZed,Zane,07700 900400\r\n".utf8),
                                              filename: "guests.csv")
            let importPath = try #require(upload.location)
            let staffPage = try await web.post("/settings/staff", [("email", "kim@crown.test"), ("role", "staff")])
            let invitePath = try StaffInvitationTests.link(staffPage)
            let fill: [String: String] = [
                "customers/{id}": "customers/\(ids.customer)", "events/{id}": "events/\(ids.event)", "bookings/{id}": "bookings/\(ids.booking)",
                "messages/{id}": "messages/\(ids.message)", "templates/{name}": "templates/confirmation",
                "timeline/customers/{customer_id}": "timeline/customers/\(ids.customer)", "imports/{id}": "imports/" + String(importPath.split(separator: "/").last!),
            ]
            var pages = Self.routedPages.map { pattern in fill.reduce(pattern) { $0.replacingOccurrences(of: $1.key, with: $1.value) } }
            pages += ["/customers?q=zzz", "/events?when=past", "/events/\(nextYear.event.id)", "/events/\(ids.event)/bookings/new?q=neil",
                      "/inbox?show=unmatched", "/messages/\(ids.inbound)"]
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

            // Signed out: the sign-in page, and a colleague's invitation.
            var visitor = web
            visitor.session = nil
            for path in ["/login", invitePath] {
                let page = try await visitor.get(path)
                #expect(Self.problems(page).isEmpty, "\(path): \(Self.problems(page))")
            }

            // The badge is a count; a note carries no delivery status.
            #expect(today.matches(#"Inbox <span class="count"[^>]*>([^<]*)</span>"#) == ["1"])
            let timeline = try await web.get("/plugins/timeline/customers/\(ids.customer)")
            let noteRow = try #require(timeline.html.range(of: "Prefers the window table"))
            let row = timeline.html[timeline.html[..<noteRow.lowerBound].range(of: "<li", options: .backwards)!.lowerBound..<noteRow.lowerBound]
            #expect(!row.contains("class=\"status"), "\(row)")
        }
    }
}

extension PageViewTests {
    /// Every staff page the router serves, by its route; a page added later is checked once it is
    /// listed here, and `everyRoutedPageIsListed` fails until it is.
    static let routedPages = [
        "/", "/admin/plugins", "/api/docs", "/bookings/{id}/edit", "/customers", "/customers/new", "/customers/{id}",
        "/customers/{id}/bookings/new", "/customers/{id}/delete", "/customers/{id}/edit", "/customers/{id}/erase", "/events", "/events/new",
        "/events/{id}", "/events/{id}/bookings/new", "/events/{id}/cancel", "/events/{id}/edit", "/inbox", "/messages", "/messages/{id}",
        "/plugins/contacts", "/plugins/exports", "/plugins/exports/imports/{id}", "/plugins/timeline/customers/{customer_id}", "/settings",
        "/settings/api-keys", "/settings/audit", "/settings/plugins", "/settings/provider", "/settings/staff", "/settings/templates",
        "/settings/templates/{name}",
    ]

    /// GET routes that are not pages: files, probes, the API, and pages checked elsewhere.
    static let notPages: Set<String> = [
        "/customers/{id}/export", "/plugins/contacts/export", "/plugins/exports/download/{kind}",
        "/plugins/timeline/customers/{customer_id}/export", "/settings/audit.csv", "/stats.csv", "/static/crier.css", "/health", "/ready",
        "/metrics",
        // Signed out: checked above by path (a login page and an invitation's own link).
        "/login", "/invite/{token}",
        // The first-run page needs a fresh database: test_page_quality.py reads it in Chromium.
        "/setup/{token}",
    ]

    @Test(arguments: TestEngines.all)
    func everyRoutedPageIsListed(engine: EngineKind) async throws {
        let clock = ManualClock(testNow)
        try await withTestStore(engine, clock: clock) { store in
            let host = try testPluginHost([ContactsPlugin.self, TimelinePlugin.self, ExportsPlugin.self], clock: clock)
            let router = try CrierServer.router(store: store, registry: PrometheusCollectorRegistry(), plugins: host)
            let pages = Set(router.routes.filter { $0.method == .get }.map { $0.path.description }.filter { !$0.hasPrefix("/api/v1") })
            #expect(pages.subtracting(Self.routedPages).subtracting(Self.notPages).sorted() == [], "pages PageViewTests does not render")
            #expect(Set(Self.routedPages).subtracting(pages).sorted() == [], "listed but not routed")
        }
    }
}
