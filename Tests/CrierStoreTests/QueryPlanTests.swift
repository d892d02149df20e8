import CrierCore
import CrierStore
import CrierTestSupport
import Foundation
import SQLKit
import Testing

/// Every lookup the API makes is served by an index: no full-table scan in SQLite's plan.
struct QueryPlanTests {
    static let lookups: [(String, String)] = [
        ("customer by mobile", "SELECT id FROM customers WHERE venue_id = 1 AND mobile = '+447700900123'"),
        ("customers A-Z page", "SELECT id FROM customers WHERE venue_id = 1 AND (sort_last > 'a' OR (sort_last = 'a' AND id > 3)) ORDER BY sort_last, sort_first, id LIMIT 51"),
        ("customer by id", "SELECT id FROM customers WHERE id = 1 AND venue_id = 1"),
        ("upcoming events", "SELECT id FROM events WHERE venue_id = 1 AND starts_at >= 0 ORDER BY starts_at, id LIMIT 51"),
        ("past events", "SELECT id FROM events WHERE venue_id = 1 AND starts_at < 0 ORDER BY starts_at DESC, id DESC LIMIT 51"),
        ("bookings of an event", "SELECT id FROM bookings WHERE venue_id = 1 AND event_id = 2 AND id > 0 ORDER BY id LIMIT 51"),
        ("bookings of a customer", "SELECT id FROM bookings WHERE venue_id = 1 AND customer_id = 2 ORDER BY id LIMIT 51"),
        ("bookings of a venue", "SELECT id FROM bookings WHERE venue_id = 1 AND id > 5 ORDER BY id LIMIT 51"),
        ("seat counts", "SELECT event_id, SUM(seats) FROM bookings WHERE status = 'active' AND event_id IN (1, 2) GROUP BY event_id"),
        ("active booking of a customer", "SELECT id FROM bookings WHERE customer_id = 1 AND event_id = 2 AND status = 'active'"),
        ("customer journal", "SELECT id FROM journal WHERE customer_id = 1 AND venue_id = 1 AND id < 99 ORDER BY id DESC LIMIT 51"),
        ("journal after", "SELECT id FROM journal WHERE id > 10 ORDER BY id LIMIT 100"),
        ("texts of a booking", "SELECT id FROM messages WHERE booking_id = 3 AND status IN ('scheduled') AND direction = 'out'"),
        ("texts of an event", "SELECT id FROM messages WHERE event_id = 3 AND status = 'scheduled'"),
        ("flood guard counts", "SELECT to_number, COUNT(*) FROM messages WHERE to_number IN ('+447700900123') AND sent_at >= 0 GROUP BY to_number"),
        ("delivery report by provider id", "SELECT id FROM messages WHERE provider = 'twilio' AND provider_message_id = 'SM1' AND venue_id = 1 AND direction = 'out'"),
        ("due texts", "SELECT id FROM messages WHERE status IN ('scheduled') AND scheduled_for <= 5 ORDER BY scheduled_for, id LIMIT 100"),
        ("the next due moment", "SELECT MIN(scheduled_for) FROM messages WHERE status = 'scheduled' AND scheduled_for > 5"),
        ("expired leases", "SELECT id FROM messages WHERE status IN ('sending') AND lease_until < 5"),
        ("lost outcomes to check", "SELECT id FROM messages WHERE status = 'unknown' AND check_after <= 5 AND handed_off_at IS NOT NULL"),
        ("a venue's calls in flight", "SELECT 1 FROM messages WHERE status = 'sending' AND lease_until IS NOT NULL AND venue_id = 1 LIMIT 1"),
        ("a text by its key", "SELECT id FROM messages WHERE idempotency_key = 'confirmation:booking:1'"),
        ("a recipient's earlier texts", "SELECT 1 FROM messages o WHERE o.venue_id = 1 AND o.to_number = '+447700900123' AND o.id < 9 AND o.direction = 'out'"),
        ("API key", "SELECT id FROM api_keys WHERE key_hash = 'x' AND revoked_at IS NULL"),
        ("consent history", "SELECT id FROM consent_changes WHERE customer_id = 1 ORDER BY id"),
        ("venue by slug", "SELECT id FROM venues WHERE slug = 'crown'"),
        ("staff by email", "SELECT id FROM staff_users WHERE email = 'a@b.co'"),
    ]

    @Test func everyLookupUsesAnIndex() async throws {
        try await withTestStore(.sqlite) { store in
            for (name, sql) in Self.lookups {
                let plan = try await store.engine.read { db in
                    try await db.raw(SQLQueryString("EXPLAIN QUERY PLAN " + sql)).all()
                        .map { try $0.decode(column: "detail", as: String.self) }
                }
                let scans = plan.filter { $0.hasPrefix("SCAN ") && !$0.contains(" USING ") }
                #expect(scans.isEmpty, "\(name): \(plan)")
            }
        }
    }
}
