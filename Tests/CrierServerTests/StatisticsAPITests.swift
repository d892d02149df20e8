import CrierCore
import CrierStore
import CrierTestSupport
import Foundation
import Hummingbird
import SQLKit
import Testing

/// `GET /api/v1/stats` and `/api/v1/stats.csv`: per local day (DST included) and kind, only texts
/// that went or failed, failures by error, segments, the delivery rate, opt-outs and replies; the
/// key's venue only; every bad range a 422 naming its parameter.
struct StatisticsAPITests {
    static let hour: Int64 = 3_600_000
    /// 2026-03-28T12:00Z; London moves to BST at 01:00Z on the 29th.
    static let noon28: Int64 = 1_774_699_200_000

    /// (kind, status, sent at, handed off, error, segments)
    typealias Row = (String, String, Int64?, Bool, String?, Int?)

    static func insert(_ store: Store, venueId: Int64, _ rows: [Row], at fallback: Int64) async throws {
        try await store.engine.transaction { db in
            for (kind, status, sent, handed, error, segments) in rows {
                try await db.raw("""
                    INSERT INTO messages (venue_id, direction, kind, status, to_number, attempts, sent_at, handed_off_at, error_code, segments,
                                          created_at, updated_at)
                    VALUES (\(bind: venueId), 'out', \(bind: kind), \(bind: status), '+447700900123', 1, \(bind: sent),
                            \(bind: handed ? (sent ?? fallback) : nil), \(bind: error), \(bind: segments), \(bind: fallback), \(bind: sent ?? fallback))
                    """).run()
            }
        }
    }

    @Test(arguments: TestEngines.all)
    func perDayAndKindAcrossADSTChangeForTheKeysVenueOnly(engine: EngineKind) async throws {
        try await APIHarness.run(engine) { api in
            let customer = try await api.customer()
            let (noon, hour) = (Self.noon28, Self.hour)
            try await Self.insert(api.store, venueId: api.venue.id, [
                ("confirmation", "delivered", noon, true, nil, 1),
                ("confirmation", "failed", noon, true, "30003", 2),
                ("reminder_24h", "failed", nil, false, "21610", nil),  // refused before the provider took it
                ("confirmation", "cancelled", nil, false, nil, nil),   // never went: not counted
                ("confirmation", "scheduled", nil, false, nil, nil),
                ("reminder_7d", "sent", noon + 34 * hour + hour / 2, true, nil, 1),  // 22:30Z = 23:30 BST on the 29th
                ("reminder_7d", "delivered", noon + 35 * hour + hour / 2, true, nil, 1),  // 23:30Z = 00:30 BST on the 30th
            ], at: noon)
            try await Self.insert(api.store, venueId: api.otherVenue.id, [("confirmation", "delivered", noon, true, nil, 1)], at: noon)
            try await api.store.engine.transaction { db in
                try await db.raw("""
                    INSERT INTO messages (venue_id, customer_id, direction, kind, status, to_number, attempts, created_at, updated_at)
                    VALUES (\(bind: api.venue.id), \(bind: customer), 'in', 'reply', 'received', '+447700900123', 0,
                            \(bind: noon + 34 * hour + hour / 2), \(bind: noon + 34 * hour + hour / 2))
                    """).run()
                for (purpose, at) in [("transactional", noon + 46 * hour), ("marketing", noon + 46 * hour)] {
                    try await db.raw("""
                        INSERT INTO consent_changes (venue_id, customer_id, purpose, granted, source, changed_at)
                        VALUES (\(bind: api.venue.id), \(bind: customer), \(bind: purpose), \(bind: false), 'stop_reply', \(bind: at))
                        """).run()
                }
            }

            let stats = try await api.get("/api/v1/stats?from=2026-03-28&to=2026-03-30", key: .some(api.readOnlyKey))
            #expect(stats.status == .ok, "\(stats.json)")
            #expect(stats["from"] == "2026-03-28" && stats["to"] == "2026-03-30" && stats["timezone"] == "Europe/London")
            guard case .array(let days)? = stats["days"] else { Issue.record("no days"); return }
            #expect(days.map { $0["day"]?.stringValue } == ["2026-03-28", "2026-03-29", "2026-03-30"])
            let confirmation = try #require(days[0]["kinds"]?["confirmation"])
            #expect(confirmation == ["sent": 2, "delivered": 1, "failed": 1, "failed_by_error": ["30003": 1], "segments": 3, "delivery_rate": .number(0.5)])
            #expect(days[0]["kinds"]?["reminder_24h"] == ["sent": 0, "delivered": 0, "failed": 1, "failed_by_error": ["21610": 1],
                                                          "segments": 0, "delivery_rate": nil])
            #expect(days[0]["sent"] == 2 && days[0]["failed"] == 2 && days[0]["failed_by_error"] == ["30003": 1, "21610": 1])
            #expect(days[1]["kinds"]?["reminder_7d"]?["sent"] == 1 && days[1]["kinds"]?["reminder_7d"]?["delivery_rate"] == 0)
            #expect(days[1]["replies"] == 1 && days[1]["opt_outs"] == 0)
            #expect(days[2]["kinds"]?["reminder_7d"]?["delivered"] == 1 && days[2]["opt_outs"] == 1)
            #expect(stats["total"] == ["sent": 4, "delivered": 2, "failed": 2, "failed_by_error": ["30003": 1, "21610": 1], "segments": 5,
                                       "delivery_rate": .number(0.5), "opt_outs": 1, "replies": 1])
            #expect(stats["kinds"]?["reminder_7d"]?["sent"] == 2)

            // The other venue's key sees its own text only.
            let other = try await api.get("/api/v1/stats?from=2026-03-28&to=2026-03-30", key: .some(api.otherKey))
            #expect(other["total"]?["sent"] == 1 && other["total"]?["opt_outs"] == 0)

            let csv = try await api.send(.get, "/api/v1/stats.csv?from=2026-03-28&to=2026-03-30")
            #expect(csv.status == .ok && csv.headers[.contentType] == "text/csv; charset=utf-8")
            let lines = (csv.json.stringValue ?? "").split(separator: "\r\n").map(String.init)
            #expect(lines.first == "day,kind,sent,delivered,failed,failed_by_error,segments,delivery_rate,opt_outs,replies")
            #expect(lines.contains("2026-03-28,all,2,1,2,21610:1 30003:1,3,0.5000,0,0"))
            #expect(lines.contains("2026-03-28,reminder_24h,0,0,1,21610:1,0,,,"))
            #expect(lines.last == "2026-03-28..2026-03-30,all,4,2,2,21610:1 30003:1,5,0.5000,1,1")

            // Without dates: the 30 days to today (2026-11-21 on the test clock).
            let recent = try await api.get("/api/v1/stats")
            #expect(recent["from"] == "2026-10-23" && recent["to"] == "2026-11-21")
            if case .array(let recentDays)? = recent["days"] { #expect(recentDays.count == 30) }
            // No key, no statistics.
            #expect(try await api.get("/api/v1/stats", key: .some(nil)).status == .unauthorized)
        }
    }

    @Test(arguments: TestEngines.all)
    func aBadRangeIsA422NamingItsParameter(engine: EngineKind) async throws {
        try await APIHarness.run(engine) { api in
            for (query, field, reason) in [
                ("from=2026-3-28", "from", "must be a date as YYYY-MM-DD"),
                ("to=2026-02-30", "to", "must be a date as YYYY-MM-DD"),
                ("from=2026-03-10&to=2026-03-01", "to", "must not be before from"),
                ("from=2025-01-01&to=2026-03-01", "to", "must be at most 366 days after from"),
            ] {
                for path in ["/api/v1/stats", "/api/v1/stats.csv"] {
                    let reply = try await api.get("\(path)?\(query)")
                    #expect(reply.status == .unprocessableContent, "\(path)?\(query)")
                    #expect(reply.fieldErrors == [field: reason], "\(path)?\(query): \(reply.fieldErrors)")
                }
            }
        }
    }
}
