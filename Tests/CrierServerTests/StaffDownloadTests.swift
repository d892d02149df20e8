import Contacts
import CrierCore
import CrierServer
import CrierStore
import CrierTestSupport
import Exports
import Foundation
import HummingbirdTesting
import Testing
import Timeline

/// Every CSV download (the contact list, a timeline, the exports) is for owners, managers and API
/// keys; the staff role gets 403 and sees no download link, until the venue turns it on.
struct StaffDownloadTests {
    @Test(arguments: TestEngines.all)
    func staffGet403UntilTheVenueAllowsIt(engine: EngineKind) async throws {
        try await WebHarness.run(engine, plugins: [ContactsPlugin.self, TimelinePlugin.self, ExportsPlugin.self]) { web in
            let ann = try await web.store.makeCustomer(web.venue)
            try await web.plugins.projections(store: web.store).catchUp()
            let downloads = ["/plugins/contacts/export", "/plugins/contacts/export?q=Ann", "/plugins/timeline/customers/\(ann.id)/export",
                             "/plugins/timeline/customers/\(ann.id)/export?bom=1", "/plugins/exports/download/customers"]
            let bar = try await web.colleague(.staff, email: "bar@crown.test")
            let manager = try await web.colleague(.manager, email: "boss@crown.test")
            for path in downloads {
                let refused = try await bar.get(path)
                #expect(refused.status == .forbidden, "\(path)")
                #expect(!refused.html.contains("+447700900000") && refused.headers[.contentDisposition] == nil, "\(path)")
                let allowed = try await manager.get(path)
                #expect(allowed.status == .ok && allowed.headers[.contentDisposition]?.hasPrefix("attachment") == true, "\(path)")
                #expect(allowed.html.contains(path.contains("timeline") ? "When,Kind,What" : "+447700900000"), "\(path)")
            }
            #expect(!(try await bar.get("/plugins/contacts").html.contains("Download these as CSV")))
            #expect(!(try await bar.get("/plugins/timeline/customers/\(ann.id)").html.contains("Download CSV")))
            #expect(try await manager.get("/plugins/contacts").html.contains("Download these as CSV"))
            // API keys download as before.
            let key = try await web.store.apiKeys.create(venueId: web.venue.id, name: "crm", scope: .read, actor: .system).secret
            let api = try await web.client.executeRequest(
                uri: "/api/v1/plugins/contacts/export", method: .get, headers: [.authorization: "Bearer \(key)"], body: nil)
            #expect(api.status == .ok && String(buffer: api.body).contains("+447700900000"))

            // The owner lets staff download: the contact list and timelines open to them (Exports stays the managers' page).
            let form = [("name", "Crown"), ("timezone", "Europe/London"), ("default_region", "GB"), ("sms_enabled", "true"),
                        ("quiet_hours.start", "21:00"), ("quiet_hours.end", "09:00"), ("staff_downloads", "true")]
            #expect(try await bar.post("/settings", form).status == .forbidden)
            #expect(try await web.post("/settings", form).location == "/settings?done=saved")
            #expect(try await web.get("/settings").html.contains(#"name="staff_downloads" type="checkbox" value="true" checked"#))
            for path in downloads.dropLast() {
                let opened = try await bar.get(path)
                #expect(opened.status == .ok && opened.headers[.contentDisposition]?.hasPrefix("attachment") == true, "\(path)")
            }
            #expect(try await bar.get("/plugins/contacts").html.contains("Download these as CSV"))
            #expect(try await bar.get("/plugins/exports/download/customers").status == .forbidden)
            let changed = try await web.store.journal.after(id: 0, limit: 500).last { $0.kind == "venue.changed" }
            #expect(changed?.event == .venueChanged(VenueChanged(staffDownloads: FieldChange(from: false, to: true))))
        }
    }

    @Test(arguments: TestEngines.all)
    func theSettingIsInTheAPI(engine: EngineKind) async throws {
        try await APIHarness.run(engine) { api in
            #expect(try await api.get("/api/v1/venue")["staff_downloads"] == .bool(false))
            let on = try await api.patch("/api/v1/venue", #"{"staff_downloads":true}"#)
            #expect(on.status == .ok && on["staff_downloads"] == .bool(true))
            #expect(try await api.patch("/api/v1/venue", #"{"staff_downloads":"yes"}"#).fieldErrors["staff_downloads"] != nil)
            #expect(try await api.get("/api/v1/venue", key: .some(api.otherKey))["staff_downloads"] == .bool(false))
            #expect(try await api.patch("/api/v1/venue", #"{"staff_downloads":false}"#, key: .some(api.readOnlyKey)).status == .forbidden)
        }
    }
}
