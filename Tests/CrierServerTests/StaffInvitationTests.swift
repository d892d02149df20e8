import CrierCore
import CrierServer
import CrierStore
import CrierTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Nobody is put on a venue's staff without accepting: a manager makes a one-time link, and the
/// answer is the same whether or not the email already has an account; the link's holder accepts
/// with a new password, or with their existing account's own. Links work once, for seven days,
/// and can be withdrawn; another venue's invitation is a 404.
struct StaffInvitationTests {
    /// Someone without a session opening `link` and posting its form.
    struct Visitor {
        var browser: WebHarness

        init(_ web: WebHarness) {
            browser = web
            browser.session = nil
        }

        func open(_ path: String) async throws -> WebHarness.Page { try await browser.get(path) }

        func accept(_ path: String, _ fields: [(String, String)]) async throws -> WebHarness.Page {
            let form = try await browser.get(path)
            guard form.status == .ok else { return form }
            let cookie = try #require(form.headers[.setCookie]?.firstMatch(#"crier_csrf=([^;]+)"#))
            let token = try #require(form.html.firstMatch(#"name="csrf_token" value="([^"]+)""#))
            let body = (fields + [("csrf_token", token)]).map { "\(WebHarness.encode($0.0))=\(WebHarness.encode($0.1))" }.joined(separator: "&")
            return try await browser.send(.post, path, body: body, cookies: ["crier_csrf": cookie])
        }
    }

    /// The link shown once on the staff page, as a path.
    static func link(_ page: WebHarness.Page) throws -> String {
        let link = try #require(page.html.firstMatch(#"id="invitation-link">([^<]+)<"#))
        return String(link[try #require(link.range(of: "/invite/")).lowerBound...])
    }

    @Test(arguments: TestEngines.all)
    func anotherVenuesAccountJoinsOnlyByAcceptingWithItsOwnPassword(engine: EngineKind) async throws {
        try await WebHarness.run(engine) { web in
            let anchor = try await web.store.makeVenue("anchor")
            let bea = try await StaffOnboarding(store: web.store, cost: 4).createUser(
                email: "bea@anchor.test", password: "bea's own password", venue: anchor, role: .owner)
            let existing = try await web.post("/settings/staff", [("email", "bea@anchor.test"), ("role", "manager")])
            let newcomer = try await web.post("/settings/staff", [("email", "new@crown.test"), ("role", "manager")])
            // Nothing tells the manager which email has an account.
            #expect(existing.status == .created && newcomer.status == .created)
            func shape(_ page: WebHarness.Page, _ email: String) throws -> String {
                guard let notice = page.html.range(of: #"<div class="notice"[\s\S]*?</div>"#, options: .regularExpression) else { return "" }
                return String(page.html[notice]).replacingOccurrences(of: try Self.link(page), with: "LINK").replacingOccurrences(of: email, with: "EMAIL")
            }
            #expect(try shape(existing, "bea@anchor.test") == shape(newcomer, "new@crown.test"))
            // Bea is not on the staff until she accepts, and lands nowhere new at her next login.
            #expect(try await web.store.staff.memberships(userId: bea.id).map(\.venueId) == [anchor.id])
            let visitor = Visitor(web)
            let path = try Self.link(existing)
            let offer = try await visitor.open(path)
            #expect(offer.status == .ok && offer.html.contains("Join Crown") && offer.html.contains("already have a Crier account"))
            let wrong = try await visitor.accept(path, [("password", "a guess at it")])
            #expect(wrong.status == .unauthorized && wrong.html.contains("not the password of bea@anchor.test"))
            #expect(try await web.store.staff.memberships(userId: bea.id).count == 1)
            let accepted = try await visitor.accept(path, [("password", "bea's own password")])
            #expect(accepted.status == .seeOther && accepted.location == "/")
            #expect(accepted.headers[.setCookie]?.contains("crier_session=") == true)
            #expect(try await web.store.staff.memberships(userId: bea.id).map(\.venueId) == [web.venue.id, anchor.id])
            #expect(try await web.store.staff.members(venueId: web.venue.id).first { $0.email == "bea@anchor.test" }?.role == .manager)
            // It worked once.
            #expect(try await visitor.open(path).status == .notFound)
            #expect(try await visitor.accept(try Self.link(newcomer), [("password", "x")]).status != .notFound)
            let added = try await web.store.journal.after(id: 0, limit: 200).last { $0.kind == "staff.added" }
            #expect(added?.actor == "staff:\(bea.id)" && added?.venueId == web.venue.id)
        }
    }

    @Test(arguments: TestEngines.all)
    func someoneNewChoosesAPasswordAndBadInputLeavesTheLinkUnspent(engine: EngineKind) async throws {
        try await WebHarness.run(engine) { web in
            let path = try Self.link(try await web.post("/settings/staff", [("email", "New@Crown.test"), ("role", "staff")]))
            let visitor = Visitor(web)
            #expect(try await visitor.open(path).html.contains("Choose a password"))
            let short = try await visitor.accept(path, [("password", "short"), ("password_again", "short")])
            #expect(short.status == .unprocessableContent && short.html.contains(#"id="password-error""#))
            let mismatch = try await visitor.accept(path, [("password", "long enough pw"), ("password_again", "long enough PW")])
            #expect(mismatch.status == .unprocessableContent && mismatch.html.contains(#"id="password_again-error""#))
            #expect(try await web.store.staff.byEmail("new@crown.test") == nil)
            let done = try await visitor.accept(path, [("password", "long enough pw"), ("password_again", "long enough pw")])
            #expect(done.status == .seeOther)
            let user = try #require(try await web.store.staff.byEmail("new@crown.test"))
            #expect(try await web.store.staff.memberships(userId: user.id).map(\.role) == [.staff])
            #expect(try await visitor.accept(path, [("password", "long enough pw"), ("password_again", "long enough pw")]).status == .notFound)
        }
    }

    @Test(arguments: TestEngines.all)
    func linksCanBeWithdrawnAndExpireAndAnotherVenuesAre404(engine: EngineKind) async throws {
        let clock = ManualClock(testNow)
        try await WebHarness.run(engine, clock: clock) { web in
            let first = try await web.post("/settings/staff", [("email", "kim@crown.test"), ("role", "staff")])
            let pending = try #require(try await web.store.invitations.pending(venueId: web.venue.id).first)
            #expect(try await web.get("/settings/staff").html.contains("kim@crown.test"))
            // Another venue's manager can't withdraw it: 404, and it still works.
            let anchor = try await web.store.makeVenue("anchor")
            let other = try await StaffOnboarding(store: web.store, cost: 4).createUser(
                email: "boss@anchor.test", password: "anchor password", venue: anchor, role: .owner)
            let stranger = try await WebHarness.signedIn(client: web.client, store: web.store, venue: anchor, user: other)
            #expect(try await stranger.post("/settings/staff/invitations/\(pending.id)/revoke").status == .notFound)
            #expect(try await Visitor(web).open(try Self.link(first)).status == .ok)
            #expect(try await web.post("/settings/staff/invitations/\(pending.id)/revoke").location == "/settings/staff?done=withdrawn")
            #expect(try await Visitor(web).open(try Self.link(first)).status == .notFound)
            #expect(try await web.post("/settings/staff/invitations/\(pending.id)/revoke").status == .notFound)
            // A new invitation replaces the pending one for the same email; seven days later it has lapsed.
            let second = try Self.link(try await web.post("/settings/staff", [("email", "kim@crown.test"), ("role", "manager")]))
            let third = try Self.link(try await web.post("/settings/staff", [("email", "kim@crown.test"), ("role", "staff")]))
            #expect(try await Visitor(web).open(second).status == .notFound)
            clock.advance(by: StaffInvitations.lifetime - 60)
            #expect(try await Visitor(web).open(third).status == .ok)
            clock.advance(by: 61)
            #expect(try await Visitor(web).open(third).status == .notFound)
            #expect(try await web.store.invitations.pending(venueId: web.venue.id).isEmpty)
            #expect(try await Visitor(web).open("/invite/invite_made-up").status == .notFound)
        }
    }

    /// Two people racing with one link: exactly one account joins.
    @Test(arguments: TestEngines.all)
    func aLinkIsSpentOnceEvenWhenUsedTwiceAtOnce(engine: EngineKind) async throws {
        try await withTestStore(engine) { store in
            let venue = try await store.makeVenue()
            let (_, token) = try await store.invitations.invite(venueId: venue.id, email: "race@crown.test", role: .staff, by: .owner, actor: .system)
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<6 {
                    group.addTask { (try? await store.invitations.accept(token: token, as: .newAccount(passwordHash: "x"))) != nil }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
            #expect(try await store.staff.members(venueId: venue.id).map(\.email) == ["race@crown.test"])
        }
    }
}
