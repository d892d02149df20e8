import CrierCore
import CrierServer
import CrierStore
import CrierTestSupport
import Foundation
import HummingbirdTesting
import Testing

/// The dashboard's chart takes a date range, shows the range's figures per kind, says what is
/// wrong with a bad date beside its field, and offers the same CSV as the API to whoever may
/// download (owners and managers; the staff role once the venue allows it).
struct DashboardStatisticsTests {
    @Test(arguments: TestEngines.all)
    func aRangeItsFiguresAndItsCSV(engine: EngineKind) async throws {
        try await WebHarness.run(engine) { web in
            try await StatisticsAPITests.insert(web.store, venueId: web.venue.id, [
                ("confirmation", "delivered", StatisticsAPITests.noon28, true, nil, 1),
                ("confirmation", "failed", StatisticsAPITests.noon28, true, "30003", 2),
            ], at: StatisticsAPITests.noon28)
            let page = try await web.get("/?from=2026-03-01&to=2026-03-31")
            #expect(page.status == .ok)
            #expect(page.html.contains(#"aria-label="Texts per day, 2026-03-01 to 2026-03-31: 2 sent, 1 delivered, 1 failed""#))
            #expect(page.html.contains("<td>confirmation</td><td>2</td><td>1</td><td>1</td><td>50.0%</td><td>3</td><td>30003 ×1</td>"))
            #expect(page.html.contains(#"href="/stats.csv?from=2026-03-01&amp;to=2026-03-31""#))
            // The navigation's unread count is the layout's, not the dashboard's list of texts.
            #expect(!page.html.contains(#"<span class="count">["#))
            // The default range (the last 30 days) has none of March's texts.
            #expect(try await web.get("/").html.contains(": 0 sent, 0 delivered, 0 failed"))

            let bad = try await web.get("/?from=2026-02-31&to=2026-03-31")
            #expect(bad.status == .ok && bad.html.contains(#"<p class="field-error" id="from-error">must be a date as YYYY-MM-DD</p>"#))
            #expect(bad.html.contains(#"id="from" name="from" value="2026-02-31" aria-invalid="true""#))

            let csv = try await web.get("/stats.csv?from=2026-03-28&to=2026-03-28")
            #expect(csv.status == .ok && csv.headers[.contentDisposition] == #"attachment; filename="stats-crown-2026-03-28-2026-03-28.csv""#)
            #expect(csv.html.contains("2026-03-28,confirmation,2,1,1,30003:1,3,0.5000,,"))
            #expect(try await web.get("/stats.csv?from=2026-03-28&to=2026-03-01").status == .unprocessableContent)

            let bar = try await web.colleague(.staff, email: "bar@crown.test")
            #expect(try await bar.get("/stats.csv").status == .forbidden)
            #expect(!(try await bar.get("/").html.contains("Download CSV")))
            // Another venue's staff see their own venue's figures only.
            let other = try await web.store.makeVenue("anchor")
            try await StatisticsAPITests.insert(web.store, venueId: other.id, [("reminder_7d", "delivered", StatisticsAPITests.noon28, true, nil, 1)],
                                                at: StatisticsAPITests.noon28)
            #expect(!(try await web.get("/?from=2026-03-01&to=2026-03-31").html.contains("reminder")))
        }
    }
}
