import CrierCore
import CrierServer
import CrierStore
import CrierTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// API keys, provider settings, templates, venue settings and staff changes are journaled with who
/// made them, and an owner (only) reads the venue's whole log, filtered by kind and person, as a
/// page or CSV; another venue's owner sees none of it.
struct AuditLogTests {
    @Test(arguments: TestEngines.all)
    func everyAdministrativeChangeIsThereWithWhoMadeIt(engine: EngineKind) async throws {
        try await WebHarness.run(engine) { web in
            let me = "owner@crown.test"
            let created = try await web.post("/settings/api-keys", [("name", "Booking site"), ("scope", "write")])
            let keyId = try #require(try await web.store.apiKeys.list(venueId: web.venue.id).first?.id)
            #expect(created.status == .created)
            #expect(try await web.post("/settings/api-keys/\(keyId)/revoke").status == .seeOther)
            #expect(try await web.post("/settings/templates/help", [("body", "{{venue_name}}: call 01234 567890"), ("action", "save")]).status == .seeOther)
            #expect(try await web.post("/settings/templates/help/reset").status == .seeOther)
            #expect(try await web.post("/settings", [("name", "The Crown"), ("timezone", "Europe/London"), ("default_region", "GB"),
                                                     ("sms_enabled", "true")]).status == .seeOther)
            #expect(try await web.post("/settings/provider", [("provider", "console")]).status == .seeOther)
            #expect(try await web.post("/settings/staff", [("email", "kim@crown.test"), ("role", "staff")]).status == .created)
            // An integrator's change, under the key's name.
            let key = try await web.store.apiKeys.create(venueId: web.venue.id, name: "crm", scope: .write, actor: .system).secret
            let api = try await web.client.executeRequest(
                uri: "/api/v1/templates/help", method: .put, headers: [.authorization: "Bearer \(key)", .contentType: "application/json"],
                body: ByteBuffer(string: #"{"body":"{{venue_name}}: ring us"}"#))
            #expect(api.status == .ok)

            let page = try await web.get("/settings/audit")
            #expect(page.status == .ok)
            for kind in ["api_key.created", "api_key.revoked", "template.changed", "template.reset", "venue.changed", "staff.invited"] {
                #expect(page.html.contains("<td>\(me)</td><td>\(kind)</td>"), "\(kind)")
            }
            #expect(page.html.contains("<td>API key “crm”</td><td>template.changed</td>"))
            #expect(page.html.contains("Booking site") && !page.html.contains(key))
            let keysOnly = try await web.get("/settings/audit?kind=api_key.")
            #expect(keysOnly.count("<td>api_key.") == 3 && !keysOnly.html.contains("<td>template."))
            let mine = try await web.get("/settings/audit?who=staff:\(web.owner.id)")
            #expect(!mine.html.contains("<td>API key “crm”</td>") && mine.html.contains("<td>staff.invited</td>"))
            #expect(try await web.get("/settings/audit?kind=nonsense").status == .unprocessableContent)
            let csv = try await web.get("/settings/audit.csv?kind=template.")
            #expect(csv.status == .ok && csv.headers[.contentDisposition]?.hasPrefix("attachment") == true)
            let rows = csv.html.split(whereSeparator: \.isNewline)
            #expect(rows.first == "id,at,who,actor,kind,subject,subject_id,data" && rows.count == 4)
            #expect(rows.dropFirst().allSatisfy { $0.contains(",template.") })

            // Only owners: managers and staff get 403, page and CSV; the tab shows for owners only.
            #expect(page.html.contains(#"href="/settings/audit""#))
            for role in [Role.manager, .staff] {
                let other = try await web.colleague(role, email: "\(role.rawValue)@crown.test")
                #expect(try await other.get("/settings/audit").status == .forbidden)
                #expect(try await other.get("/settings/audit.csv").status == .forbidden)
                if role == .manager { #expect(!(try await other.get("/settings").html.contains(#"href="/settings/audit""#))) }
            }
            // Another venue's owner sees only their own venue's entries.
            let anchor = try await web.store.makeVenue("anchor")
            let boss = try await StaffOnboarding(store: web.store, cost: 4).createUser(
                email: "boss@anchor.test", password: "anchor password", venue: anchor, role: .owner)
            let stranger = try await WebHarness.signedIn(client: web.client, store: web.store, venue: anchor, user: boss)
            let theirs = try await stranger.get("/settings/audit")
            #expect(theirs.status == .ok && !theirs.html.contains(me) && !theirs.html.contains("Booking site"))
        }
    }
}
