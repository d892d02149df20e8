import CrierCore
import Foundation
import SQLKit

extension Messages {
    /// Counts are grouped in quarter hours in SQL, then put on their local day here: every zone's
    /// offset is a whole number of quarter hours, so each bucket lies inside one day, DST or not.
    static let bucket: Int64 = 15 * 60 * 1000

    /// Outbound texts per local day and kind over `range`, with each day's opt-outs and replies.
    /// A text is counted on the day it went to the provider (or, never taken, the day it failed);
    /// only texts that went or failed count: the queued, cancelled and suppressed did not happen.
    public func statistics(venueId: Int64, range: StatisticsRange) async throws -> DeliveryStatistics {
        let from = range.start.millisecondsSince1970, until = range.end.millisecondsSince1970
        let bucket = Self.bucket
        let (texts, optOuts, replies) = try await store.engine.read { db in
            let texts = try await db.raw("""
                SELECT b, kind, status, error_code, COUNT(*) AS n, SUM(CASE WHEN taken THEN 1 ELSE 0 END) AS taken,
                       SUM(CASE WHEN accepted THEN segments ELSE 0 END) AS segments FROM (
                    SELECT COALESCE(sent_at, handed_off_at, updated_at) / \(bind: bucket) AS b, kind, status, error_code,
                           COALESCE(segments, 0) AS segments, (handed_off_at IS NOT NULL OR sent_at IS NOT NULL) AS taken,
                           (sent_at IS NOT NULL) AS accepted
                    FROM messages
                    WHERE venue_id = \(bind: venueId) AND direction = 'out'
                      AND status IN ('sent', 'delivered', 'undelivered', 'failed', 'unknown')
                      AND COALESCE(sent_at, handed_off_at, updated_at) >= \(bind: from)
                      AND COALESCE(sent_at, handed_off_at, updated_at) < \(bind: until)
                ) AS done GROUP BY b, kind, status, error_code
                """).all()
            let optOuts = try await db.raw("""
                SELECT changed_at / \(bind: bucket) AS b, COUNT(*) AS n FROM consent_changes
                WHERE venue_id = \(bind: venueId) AND purpose = 'transactional' AND granted = \(bind: false)
                  AND changed_at >= \(bind: from) AND changed_at < \(bind: until)
                GROUP BY b
                """).all()
            let replies = try await db.raw("""
                SELECT created_at / \(bind: bucket) AS b, COUNT(*) AS n FROM messages
                WHERE venue_id = \(bind: venueId) AND direction = 'in' AND created_at >= \(bind: from) AND created_at < \(bind: until)
                GROUP BY b
                """).all()
            return (texts, optOuts, replies)
        }
        var stats = DeliveryStatistics(range: range)
        func day(_ row: any SQLRow) throws -> Int? {
            range.dayIndex(of: Date(millisecondsSince1970: try row.decode(column: "b", as: Int64.self) * bucket))
        }
        for row in texts {
            guard let index = try day(row), let kind = MessageKind(rawValue: try row.decode(column: "kind", as: String.self)) else { continue }
            let n = try row.decode(column: "n", as: Int.self)
            var figures = stats.days[index].kinds[kind] ?? DeliveryFigures()
            figures.sent += try row.decode(column: "taken", as: Int?.self) ?? 0
            figures.segments += try row.decode(column: "segments", as: Int?.self) ?? 0
            switch MessageStatus(rawValue: try row.decode(column: "status", as: String.self)) {
            case .delivered: figures.delivered += n
            case .failed, .undelivered:
                figures.failed += n
                figures.failedBy[try row.decode(column: "error_code", as: String?.self) ?? "none", default: 0] += n
            default: break
            }
            stats.days[index].kinds[kind] = figures
        }
        for row in optOuts { if let index = try day(row) { stats.days[index].optOuts += try row.decode(column: "n", as: Int.self) } }
        for row in replies { if let index = try day(row) { stats.days[index].replies += try row.decode(column: "n", as: Int.self) } }
        return stats
    }
}
