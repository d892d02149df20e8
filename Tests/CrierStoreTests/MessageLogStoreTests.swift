import CrierCore
import CrierStore
import CrierTestSupport
import Foundation
import SQLKit
import Testing

/// What the web form's log, dashboard chart and inbox badge read: texts per local day, a day's
/// texts, and the unread count.
struct MessageLogStoreTests {
    @Test(arguments: TestEngines.all)
    func dailyStatisticsAndDayFilterAndUnread(engine: EngineKind) async throws {
        try await withTestStore(engine) { store in
            let (venue, _) = try await store.venues.ensureDefault(timezone: "America/New_York", region: "US")
            let hour: Int64 = 3_600_000
            let now = testNow.millisecondsSince1970  // 12:00 UTC = 07:00 in New York
            // (direction, status, sent at): two today, one failed yesterday evening local time (01:00 UTC today), one 40 days ago.
            let rows: [(String, String, Int64?)] = [
                ("out", "delivered", now - hour), ("out", "sent", now - 2 * hour), ("out", "failed", now - 11 * hour),
                ("out", "delivered", now - 40 * 24 * hour), ("in", "received", nil), ("in", "received", nil),
            ]
            try await store.engine.transaction { db in
                for (direction, status, sent) in rows {
                    try await db.raw("""
                        INSERT INTO messages (venue_id, direction, kind, status, to_number, attempts, sent_at, created_at, updated_at)
                        VALUES (\(bind: venue.id), \(bind: direction), \(bind: direction == "in" ? "reply" : "confirmation"), \(bind: status),
                                '+14155552671', 0, \(bind: sent), \(bind: sent ?? now), \(bind: sent ?? now))
                        """).run()
                }
            }
            let zone = TimeZone(identifier: "America/New_York")!
            let range = try StatisticsRange.read(from: nil, to: nil, zone: zone, now: testNow)
            let stats = try await store.messages.statistics(venueId: venue.id, range: range)
            let days = stats.days.map(\.total)
            #expect(days.count == 30)
            #expect((days[29].sent, days[29].delivered, days[29].failed) == (2, 1, 0))
            #expect((days[28].sent, days[28].delivered, days[28].failed) == (1, 0, 1))
            #expect(days.dropLast(2).allSatisfy { $0.sent == 0 })
            #expect(stats.replies == 2)
            // A local day starts at local midnight.
            #expect(stats.days[29].start == Date(millisecondsSince1970: now - 7 * hour))

            let today = try await store.messages.list(
                venueId: venue.id, filter: MessageFilter(from: stats.days[29].start, until: stats.days[29].start.addingTimeInterval(86_400)), cursor: nil, limit: 50)
            #expect(today.items.map(\.status).sorted { $0.rawValue < $1.rawValue } == [.delivered, .received, .received, .sent])
            #expect(try await store.inbox.unreadCount(venueId: venue.id) == 2)
        }
    }

    @Test(arguments: TestEngines.all)
    func dueNarrowsToAVenueAndKinds(engine: EngineKind) async throws {
        try await withTestStore(engine) { store in
            let (mine, _) = try await store.venues.ensureDefault(timezone: "Europe/London", region: "GB")
            let other = try await store.venues.create(
                try VenueSettings.validate(slug: "other", name: "Other", timezone: "Europe/London", defaultRegion: "GB"), actor: .system)
            let now = testNow.millisecondsSince1970
            try await store.engine.transaction { db in
                for (venue, kind, at) in [(mine.id, "reminder_24h", now + 1000), (mine.id, "confirmation", now), (other.id, "reminder_24h", now),
                                          (mine.id, "reminder_7d", now + 90_000_000)] {
                    try await db.raw("""
                        INSERT INTO messages (venue_id, direction, kind, status, to_number, attempts, scheduled_for, created_at, updated_at)
                        VALUES (\(bind: venue), 'out', \(bind: kind), 'scheduled', '+447700900123', 0, \(bind: at), \(bind: now), \(bind: now))
                        """).run()
                }
            }
            let due = try await store.dispatch.due(by: testNow.addingTimeInterval(86_400), limit: 10, venueId: mine.id, kinds: [.reminder7d, .reminder24h])
            #expect(due.map(\.kind) == [.reminder24h] && due.allSatisfy { $0.venueId == mine.id })
            #expect(try await store.dispatch.due(by: testNow.addingTimeInterval(86_400), limit: 10).count == 3)
        }
    }
}
