import CrierCore
import CrierServer
import CrierStore
import CrierTestSupport
import Foundation
import Hummingbird
import Testing

/// Every page of the staff web form over HTTP: each renders with one `<h1>` and a label for every
/// input; every form refuses a POST without the session's CSRF token; what users typed is escaped.
struct WebPageTests {
    /// Fills a venue with one of everything a page can show and returns the ids.
    static func seed(_ web: WebHarness) async throws -> (customer: Int64, event: Int64, booking: Int64, message: Int64, inbound: Int64) {
        let store = web.store
        let customer = try await store.makeCustomer(web.venue, first: "<script>alert(1)</script>", last: "O'Neil & Sons", n: 1)
        let event = try await store.events.create(
            venue: web.venue, input: EventInput(name: "Quiz <b>night</b>", startsAt: "2026-12-05T19:30", capacity: 40), actor: .system)
        let booking = try await store.bookings.create(
            venue: web.venue, customerId: customer.id, eventId: event.event.id, seats: 2, notes: nil, source: .staff, actor: .system)
        let message = try #require(try await store.messages.list(venueId: web.venue.id, filter: MessageFilter(), cursor: nil, limit: 1).items.first)
        let text = InboundText(provider: "twilio", providerMessageId: "SM-web-1", from: "+447700900999", to: "+441234567890",
                               body: "<img src=x onerror=alert(2)> running late", keywordHandled: nil)
        _ = try await store.inbound.receiveAll([InboundItem(text: text, part: nil, venue: web.venue, inlineReplies: false) { _, _ in nil }])
        let inbound = try #require(try await store.inbox.list(venueId: web.venue.id, filter: .all, cursor: nil, limit: 1).items.first)
        return (customer.id, event.event.id, booking.id, message.id, inbound.message.id)
    }

    @Test(arguments: TestEngines.all)
    func everyPageRendersWithOneHeadingAndLabelledInputs(engine: EngineKind) async throws {
        try await WebHarness.run(engine) { web in
            let ids = try await Self.seed(web)
            let pages = [
                "/", "/customers", "/customers?q=neil", "/customers/new", "/customers/\(ids.customer)", "/customers/\(ids.customer)/edit",
                "/customers/\(ids.customer)/delete", "/customers/\(ids.customer)/bookings/new", "/events", "/events?when=past", "/events/new",
                "/events/\(ids.event)", "/events/\(ids.event)/edit", "/events/\(ids.event)/cancel", "/events/\(ids.event)/bookings/new?q=neil",
                "/bookings/\(ids.booking)/edit", "/inbox", "/inbox?show=unmatched", "/messages", "/messages?status=scheduled&kind=confirmation",
                "/messages/\(ids.message)", "/settings", "/settings/provider", "/settings/templates", "/settings/templates/confirmation",
                "/settings/staff", "/settings/api-keys", "/settings/plugins",
            ]
            for path in pages {
                let page = try await web.get(path)
                #expect(page.status == .ok, "\(path): \(page.status)")
                #expect(page.count("<h1") == 1, "\(path) has \(page.count("<h1")) h1")
                #expect(page.unlabelledInputs.isEmpty, "\(path): inputs without labels \(page.unlabelledInputs)")
                #expect(page.html.contains(#"<meta name="viewport""#), "\(path)")
                #expect(page.headers[.contentType] == "text/html; charset=utf-8", "\(path)")
                #expect(!page.html.contains("<script"), "\(path) has a script tag")
                #expect(!page.html.contains("http://") && !page.html.contains("https://"), "\(path) names an outside address")
            }
            var signedOut = web
            signedOut.session = nil
            let login = try await signedOut.get("/login")
            #expect(login.status == .ok && login.count("<h1") == 1 && login.unlabelledInputs.isEmpty)
            #expect(try await signedOut.get("/customers").location == "/login?next=%2Fcustomers")
            let css = try await web.get("/static/crier.css")
            #expect(css.status == .ok && css.headers[.contentType] == "text/css; charset=utf-8")
        }
    }

    @Test(arguments: TestEngines.all)
    func whatUsersTypedIsShownAsText(engine: EngineKind) async throws {
        try await WebHarness.run(engine) { web in
            let ids = try await Self.seed(web)
            for path in ["/customers", "/customers/\(ids.customer)", "/events/\(ids.event)", "/messages/\(ids.message)"] {
                let page = try await web.get(path)
                #expect(page.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "\(path)")
                #expect(page.html.contains("&amp; Sons"), "\(path)")
            }
            for path in ["/events", "/events/\(ids.event)"] {
                let page = try await web.get(path)
                #expect(page.html.contains("Quiz &lt;b&gt;night&lt;/b&gt;") && !page.html.contains("<b>night"), "\(path)")
            }
            let inbox = try await web.get("/inbox")
            #expect(inbox.html.contains("&lt;img src=x onerror=alert(2)&gt;") && !inbox.html.contains("<img"))
        }
    }

    @Test(arguments: TestEngines.all)
    func formsWithoutTheSessionsTokenAreRefused(engine: EngineKind) async throws {
        try await WebHarness.run(engine) { web in
            let ids = try await Self.seed(web)
            let posts: [(String, [(String, String)])] = [
                ("/customers/new", [("first_name", "Eve"), ("last_name", "Forger"), ("mobile", "07700 900555")]),
                ("/customers/\(ids.customer)/edit", [("first_name", "Eve"), ("last_name", "Forger"), ("mobile", "07700 900555")]),
                ("/customers/\(ids.customer)/delete", []),
                ("/customers/\(ids.customer)/reply", [("body", "forged")]),
                ("/events/new", [("name", "Forged"), ("starts_at", "2026-12-10T19:00")]),
                ("/events/\(ids.event)/edit", [("name", "Forged"), ("starts_at", "2026-12-10T19:00")]),
                ("/events/\(ids.event)/cancel", [("text_attendees", "true")]),
                ("/events/\(ids.event)/bookings/new", [("customer_id", "\(ids.customer)"), ("seats", "1")]),
                ("/bookings/\(ids.booking)/edit", [("seats", "9")]),
                ("/bookings/\(ids.booking)/cancel", []),
                ("/inbox/\(ids.inbound)/read", []),
                ("/inbox/\(ids.inbound)/link", [("customer", "neil")]),
                ("/settings", [("name", "Forged"), ("timezone", "UTC"), ("default_region", "GB")]),
                ("/settings/provider", [("provider", "console")]),
                ("/settings/templates/confirmation", [("body", "forged {{first_name}}"), ("action", "save")]),
                ("/settings/templates/confirmation/reset", []),
                ("/settings/staff", [("email", "eve@forger.test"), ("role", "manager")]),
                ("/settings/staff/invitations/1/revoke", []),
                ("/settings/api-keys", [("name", "forged"), ("scope", "write")]),
                ("/venue", [("venue_id", "\(web.venue.id)")]),
                ("/logout", []),
            ]
            let journal = try await web.store.journal.after(id: 0, limit: 10_000).count
            for (path, fields) in posts {
                for csrf in [String?.none, .some("not-the-token")] {
                    let page = try await web.post(path, fields, csrf: .some(csrf))
                    #expect(page.status == .forbidden, "\(path) with csrf \(csrf ?? "none"): \(page.status)")
                    #expect(page.html.contains("did not come from Crier"), "\(path)")
                }
            }
            // Nothing moved: no journal entry, no key, no new staff, and the session still works.
            #expect(try await web.store.journal.after(id: 0, limit: 10_000).count == journal)
            #expect(try await web.store.apiKeys.list(venueId: web.venue.id).isEmpty)
            #expect(try await web.store.staff.members(venueId: web.venue.id).count == 1)
            #expect(try await web.store.templates.overrides(venueId: web.venue.id).isEmpty)
            #expect(try await web.get("/").status == .ok)
        }
    }

    @Test(arguments: TestEngines.all)
    func staffRunTheDayButSettingsAreForManagers(engine: EngineKind) async throws {
        try await WebHarness.run(engine) { web in
            let barStaff = try await web.colleague(.staff, email: "bar@crown.test")
            #expect(try await barStaff.get("/customers").status == .ok)
            let home = try await barStaff.get("/")
            #expect(!home.html.contains(#"href="/settings""#))
            for path in ["/settings", "/settings/provider", "/settings/templates", "/settings/templates/help", "/settings/staff",
                         "/settings/api-keys", "/settings/plugins"] {
                let page = try await barStaff.get(path)
                #expect(page.status == .forbidden, "\(path)")
                #expect(page.html.contains("owners and managers"), "\(path)")
            }
            #expect(try await barStaff.post("/settings/api-keys", [("name", "mine"), ("scope", "write")]).status == .forbidden)
            #expect(try await barStaff.post("/settings/staff", [("email", "x@y.test"), ("role", "staff")]).status == .forbidden)
            #expect(try await web.store.invitations.pending(venueId: web.venue.id).isEmpty)
            #expect(try await web.store.apiKeys.list(venueId: web.venue.id).isEmpty)
            #expect(try await web.get("/").html.contains(#"href="/settings""#))
        }
    }
}
