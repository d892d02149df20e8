import CrierCore
import Foundation
import SQLKit

/// Retention of texts' words: a venue that keeps them N days has older texts' bodies replaced by
/// `marker(days)`, keeping status, kind, segments and times (the counts and charts stay right), and
/// drops parts of long texts older than that. Texts still to be sent are never touched. Runs in
/// batches, each its own short transaction, so the writer is never held long.
public struct MessageRetention: Sendable {
    let store: Store

    public static func marker(days: Int) -> String { "[removed after \(days) days]" }

    /// How many bodies one transaction replaces.
    static let batch = 1000

    /// Applies every venue's retention as of now; returns how many bodies were replaced.
    @discardableResult
    public func apply() async throws -> Int {
        let now = store.clock.now()
        let venues = try await store.engine.read { db in
            try await db.raw("SELECT id, message_retention_days FROM venues WHERE message_retention_days IS NOT NULL").all().map {
                (try $0.decode(column: "id", as: Int64.self), try $0.decode(column: "message_retention_days", as: Int.self))
            }
        }
        var replaced = 0
        for (venueId, days) in venues {
            let cutoff = now.addingTimeInterval(-Double(days) * 86_400).millisecondsSince1970
            let marker = Self.marker(days: days)
            while true {
                let changed = try await store.engine.transaction(deadline: StoreDeadlines.bulk) { db in
                    try await db.raw("""
                        UPDATE messages SET body = \(bind: marker)
                        WHERE id IN (SELECT id FROM messages WHERE venue_id = \(bind: venueId) AND created_at < \(bind: cutoff)
                                     AND body IS NOT NULL AND body NOT LIKE '[removed after %' AND status NOT IN ('scheduled', 'sending')
                                     LIMIT \(bind: Self.batch))
                        RETURNING id
                        """).all().count
                }
                replaced += changed
                if changed < Self.batch { break }
            }
            try await store.engine.transaction { db in
                try await db.raw("DELETE FROM inbound_parts WHERE venue_id = \(bind: venueId) AND received_at < \(bind: cutoff)").run()
            }
        }
        return replaced
    }
}
