import CrierCore
import CrierServer
import CrierStore
import CrierTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The settings pages over HTTP: venue and kill switch, provider with write-only secrets,
/// templates with preview, staff and roles, API keys shown once.
struct SettingsPageTests {
    @Test(arguments: TestEngines.all)
    func venueSettingsAndTheKillSwitch(engine: EngineKind) async throws {
        try await WebHarness.run(engine) { web in
            let page = try await web.get("/settings")
            #expect(page.html.contains(#"<option value="Europe/London" selected>"#) && page.html.contains(#"value="21:00""#))
            #expect(page.html.contains(#"name="sms_enabled" type="checkbox" value="true" checked"#))
            let bad = try await web.post("/settings", [("name", ""), ("timezone", "Mars/Olympus"), ("default_region", "GB"),
                                                       ("quiet_hours.start", "25:00"), ("quiet_hours.end", "08:00"), ("sms_enabled", "true")])
            #expect(bad.status == .unprocessableContent)
            for field in ["name", "timezone", "quiet_hours.start"] { #expect(bad.html.contains(#"id="\#(field)-error""#), "\(field)") }
            #expect(try await web.store.venues.byID(web.venue.id)?.name == "Crown", "nothing saved")
            // Unticked kill switch: the checkbox is simply absent from the form.
            let saved = try await web.post("/settings", [("name", "The Crown & Anchor"), ("timezone", "Europe/Dublin"), ("default_region", "IE"),
                                                         ("quiet_hours.start", ""), ("quiet_hours.end", "")])
            #expect(saved.location == "/settings?done=saved")
            let venue = try #require(try await web.store.venues.byID(web.venue.id))
            #expect(venue.name == "The Crown & Anchor" && venue.timezone == "Europe/Dublin" && venue.defaultRegion == "IE")
            #expect(venue.quietHours == nil && !venue.smsEnabled)
            #expect(try await web.get("/settings").html.contains("The Crown &amp; Anchor"))
        }
    }

    @Test(arguments: TestEngines.all)
    func providerSecretsAreWriteOnly(engine: EngineKind) async throws {
        try await WebHarness.run(engine) { web in
            let bad = try await web.post("/settings/provider", [("provider", "twilio"), ("settings.account_sid", "nope"), ("settings.auth_token", "")])
            #expect(bad.status == .unprocessableContent)
            #expect(bad.html.contains(#"id="twilio-account_sid-error""#) && bad.html.contains(#"value="nope""#))
            #expect(try await web.store.venues.provider(venueId: web.venue.id).id == "console")
            let sid = "AC" + String(repeating: "a", count: 32), token = "secret-token-0123456789abcdef9876"
            let saved = try await web.post("/settings/provider", [
                ("provider", "twilio"), ("settings.account_sid", sid), ("settings.auth_token", token), ("settings.from", "+441234567890"),
                ("settings.messaging_service_sid", ""), ("settings.api_base_url", ""), ("settings.public_url", ""),
            ])
            #expect(saved.location == "/settings/provider?done=saved", "\(saved.html)")
            let page = try await web.get("/settings/provider")
            #expect(!page.html.contains(token) && page.html.contains("ends 9876") && page.html.contains(sid))
            // Saving again with the secret left empty keeps it.
            _ = try await web.post("/settings/provider", [("provider", "twilio"), ("settings.account_sid", sid), ("settings.auth_token", ""),
                                                          ("settings.from", "+441234567891")])
            let stored = try await web.store.venues.provider(venueId: web.venue.id)
            #expect(stored.id == "twilio" && stored.settings["auth_token"] == token && stored.settings["from"] == "+441234567891")
            let unknown = try await web.post("/settings/provider", [("provider", "pigeon")])
            #expect(unknown.status == .unprocessableContent && unknown.html.contains("must be one of console, twilio"))
        }
    }

    @Test(arguments: TestEngines.all)
    func templatesPreviewBeforeTheyAreSaved(engine: EngineKind) async throws {
        try await WebHarness.run(engine) { web in
            let preview = try await web.post("/settings/templates/confirmation", [("body", "Hi {{first_name}} 🎉 see you at {{event_name}}"),
                                                                                   ("action", "preview")])
            #expect(preview.status == .ok)
            #expect(preview.html.contains("Hi Sam 🎉 see you at Quiz night") && preview.html.contains("UCS-2") && preview.html.contains(#"id="preview-segments">1<"#))
            #expect(try await web.store.templates.overrides(venueId: web.venue.id).isEmpty, "a preview saves nothing")
            let long = String(repeating: "{{event_name}} ", count: 20)
            let costly = try await web.post("/settings/templates/confirmation", [("body", long), ("action", "preview")])
            #expect(costly.html.contains(#"id="preview-segments">2<"#) && costly.html.contains("GSM-7"))
            let refused = try await web.post("/settings/templates/help", [("body", "Call {{event_name}}"), ("action", "save")])
            #expect(refused.status == .unprocessableContent && refused.html.contains(#"id="body-error""#) && refused.html.contains("Call {{event_name}}"))
            let saved = try await web.post("/settings/templates/help", [("body", "{{venue_name}}: call 01234 567890"), ("action", "save")])
            #expect(saved.location == "/settings/templates/help?done=saved")
            #expect(try await web.store.templates.overrides(venueId: web.venue.id)["help"] == "{{venue_name}}: call 01234 567890")
            #expect(try await web.get("/settings/templates").html.contains("customised"))
            #expect(try await web.post("/settings/templates/help/reset").location == "/settings/templates/help?done=reset")
            #expect(try await web.store.templates.overrides(venueId: web.venue.id).isEmpty)
            #expect(try await web.get("/settings/templates/nope").status == .notFound)
        }
    }

    @Test(arguments: TestEngines.all)
    func staffAndRoles(engine: EngineKind) async throws {
        try await WebHarness.run(engine) { web in
            let sam = try await StaffOnboarding(store: web.store, cost: 4).createUser(
                email: "sam@crown.test", password: "long enough pw", venue: try await web.store.makeVenue("anchor"), role: .staff)
            try await web.store.join(sam, venueId: web.venue.id, role: .manager)
            let again = try await web.post("/settings/staff", [("email", "SAM@crown.test"), ("role", "staff")])
            #expect(again.status == .conflict && again.html.contains("already on the staff"))
            #expect(try await web.store.staff.members(venueId: web.venue.id).first { $0.email == "sam@crown.test" }?.role == .manager)
            // The one owner can't be removed or demoted; a manager can't touch owners or make one.
            let me = web.owner.id
            #expect(try await web.post("/settings/staff/\(me)/role", [("role", "staff")]).status == .conflict)
            #expect(try await web.post("/settings/staff/\(me)/remove").status == .conflict)
            let manager = try await WebHarness.signedIn(client: web.client, store: web.store, venue: web.venue, user: sam)
            #expect(try await manager.get("/settings/staff").status == .ok)
            #expect(try await manager.post("/settings/staff/\(me)/remove").status == .forbidden)
            let grant = try await manager.post("/settings/staff", [("email", "kim@crown.test"), ("role", "owner")])
            #expect(grant.status == .unprocessableContent && grant.html.contains("only when an owner grants it"))
            // The owner makes Sam an owner; now the first owner may step down.
            #expect(try await web.post("/settings/staff/\(sam.id)/role", [("role", "owner")]).location == "/settings/staff?done=role")
            #expect(try await web.post("/settings/staff/\(me)/role", [("role", "manager")]).status == .seeOther)
            // Removing someone ends their sessions in the venue at once.
            #expect(try await manager.post("/settings/staff/\(me)/remove").location == "/settings/staff?done=removed")
            #expect(try await web.get("/customers").location?.hasPrefix("/login") == true)
            let journal = try await web.store.journal.after(id: 0, limit: 100).filter { $0.venueId == web.venue.id }.map(\.kind)
            #expect(journal.filter { $0.hasPrefix("staff.") }
                == ["staff.invited", "staff.added", "staff.role_changed", "staff.role_changed", "staff.removed"])
        }
    }

    @Test(arguments: TestEngines.all)
    func apiKeysAreShownOnceAndRevokedAtOnce(engine: EngineKind) async throws {
        try await WebHarness.run(engine) { web in
            #expect(try await web.post("/settings/api-keys", [("name", ""), ("scope", "write")]).status == .unprocessableContent)
            let created = try await web.post("/settings/api-keys", [("name", "Booking site"), ("scope", "read")])
            #expect(created.status == .created)
            let secret = try #require(created.html.firstMatch(#"id="new-key">([^<]+)<"#))
            var api: HTTPFields = [.authorization: "Bearer \(secret)"]
            #expect(try await web.client.executeRequest(uri: "/api/v1/venue", method: .get, headers: api, body: nil).status == .ok)
            let list = try await web.get("/settings/api-keys")
            #expect(!list.html.contains(secret) && list.html.contains(String(secret.prefix(12))) && list.html.contains("read"))
            let id = try #require(list.html.firstMatch(#"/settings/api-keys/(\d+)/revoke"#))
            #expect(try await web.post("/settings/api-keys/\(id)/revoke").location == "/settings/api-keys?done=revoked")
            api[.contentType] = "application/json"
            #expect(try await web.client.executeRequest(uri: "/api/v1/venue", method: .get, headers: api, body: nil).status == .unauthorized)
            #expect(try await web.get("/settings/api-keys").html.contains("revoked"))
        }
    }
}
