import CrierCore
import Foundation
import SQLKit

/// One claimed text about to be given to its provider: what it will say, and how long its send
/// call may take before its outcome counts as lost.
public struct HandOff: Sendable {
    public var id: Int64
    public var body: String
    public var segments: Int
    public var encoding: SMSEncoding
    public var from: String?
    public var provider: String

    public init(id: Int64, body: String, segments: Int, encoding: SMSEncoding, from: String?, provider: String) {
        self.id = id
        self.body = body
        self.segments = segments
        self.encoding = encoding
        self.from = from
        self.provider = provider
    }
}

extension Dispatch {
    /// Records, durably and in one transaction, that these claimed texts are being handed to their
    /// provider, with the final checks made against the database in the same statement: still
    /// scheduled and due, still claimed by `worker`, the venue's sending on, the customer's consent
    /// given. Returns the ids that passed: only those may be sent. The rest are left as they are
    /// (withdrawn meanwhile, or to be looked at again).
    ///
    /// On PostgreSQL the venues' and customers' rows are share-locked first, so a STOP, a consent
    /// change or the kill switch either commits before (and this sees it) or waits for this to
    /// commit: once such a request has returned, no hand-off made without it can still follow.
    /// SQLite's single writer orders them the same way.
    ///
    /// `recording` are earlier outcomes (the previous wave's, and decisions made without sending),
    /// written first in the same transaction. Returns each handed-off text's attempt number.
    @discardableResult
    public func handOff(_ items: [HandOff], recording: [MessageChange] = [], lease: TimeInterval, worker: String,
                        deadline: Double = StoreDeadlines.call) async throws -> [Int64: Int] {
        guard !items.isEmpty || !recording.isEmpty else { return [:] }
        let clock = store.clock.now()
        let now = clock.millisecondsSince1970
        let from = MessageTransition.sources(of: .handOff).map(\.rawValue)
        guard case .to(let target) = MessageTransition.apply(.handOff, to: .scheduled) else { return [:] }
        let postgres = store.engine.kind == .postgres
        return try await store.engine.transaction(deadline: deadline) { db in
            _ = try await Self.apply(recording, db: db, now: clock, postgres: postgres)
            guard !items.isEmpty else { return [:] }
            let ids = items.map(\.id)
            if postgres {
                try await db.raw("""
                    SELECT v.id FROM venues v WHERE v.id IN (SELECT venue_id FROM messages WHERE id IN (\(binds: ids))) FOR SHARE
                    """).run()
                try await db.raw("""
                    SELECT c.id FROM customers c WHERE c.id IN (SELECT customer_id FROM messages WHERE id IN (\(binds: ids)))
                    ORDER BY c.id FOR SHARE
                    """).run()
            }
            let rows: [SQLQueryString] = items.map { h in
                """
                (CAST(\(bind: h.id) AS BIGINT), CAST(\(bind: h.body) AS TEXT), CAST(\(bind: h.segments) AS INTEGER),
                 CAST(\(bind: h.encoding.rawValue) AS TEXT), CAST(\(bind: h.from) AS TEXT), CAST(\(bind: h.provider) AS TEXT))
                """
            }
            let handed = try await db.raw("""
                WITH v(id, body, segments, encoding, from_number, provider) AS (VALUES \(rows.joined(separator: ", ")))
                UPDATE messages SET status = \(bind: target.rawValue), attempts = messages.attempts + 1, handed_off_at = \(bind: now),
                    lease_until = \(bind: now + Int64(lease * 1000)), updated_at = \(bind: now), body = v.body, segments = v.segments,
                    encoding = v.encoding, from_number = COALESCE(v.from_number, messages.from_number), provider = v.provider,
                    reason = NULL, check_after = NULL
                FROM v
                WHERE messages.id = v.id AND messages.status IN (\(binds: from)) AND messages.claimed_by = \(bind: worker)
                  AND messages.scheduled_for <= \(bind: now)
                  AND EXISTS (SELECT 1 FROM venues WHERE venues.id = messages.venue_id AND venues.sms_enabled)
                  AND (messages.kind IN (\(binds: MessageKind.keywordAnswers.map(\.rawValue)))
                       OR EXISTS (SELECT 1 FROM customers c WHERE c.id = messages.customer_id AND c.venue_id = messages.venue_id
                                  AND c.sms_transactional))
                RETURNING messages.id, messages.attempts
                """).all()
            var attempts: [Int64: Int] = [:]
            for row in handed { attempts[try row.decode(column: "id", as: Int64.self)] = try row.decode(column: "attempts", as: Int.self) }
            if !attempts.isEmpty {
                let log: [SQLQueryString] = attempts.map { id, attempt in
                    "(\(bind: id), \(bind: attempt), \(bind: now), NULL, 'handed_off', NULL, NULL)"
                }
                try await db.raw("""
                    INSERT INTO message_attempts (message_id, attempt, started_at, finished_at, outcome, error_code, detail)
                    VALUES \(log.joined(separator: ", "))
                    """).run()
            }
            return attempts
        }
    }
}

extension Dispatch {
    /// Puts off the next question to the provider about these `unknown` texts until `at` (nil:
    /// never ask again, their provider can't look texts up; staff settle them).
    public func checkLater(_ ids: [Int64], at: Date?) async throws {
        guard !ids.isEmpty else { return }
        try await store.engine.transaction { db in
            try await db.raw("""
                UPDATE messages SET check_after = \(bind: at?.millisecondsSince1970) WHERE id IN (\(binds: ids)) AND status = 'unknown'
                """).run()
        }
    }
}

extension Dispatch {
    /// Waits (up to `deadline` seconds) until none of the venue's texts, or the customer's, is
    /// still in a provider call. A STOP, a consent withdrawn or sending switched off returns only
    /// after this, so by the time its caller hears back no call made before it is still starting:
    /// none can start after it (the hand-off checks), and none started before is still under way.
    public func waitForCallsInFlight(venueId: Int64, customerId: Int64? = nil, deadline: Double) async {
        let until = Date().addingTimeInterval(deadline)
        while Date() < until {
            let busy = try? await store.engine.read { db in
                var sql = SQLQueryString("SELECT 1 AS busy FROM messages WHERE status = 'sending' AND lease_until IS NOT NULL AND venue_id = \(bind: venueId)")
                if let customerId { sql += " AND customer_id = \(bind: customerId)" }
                sql += " LIMIT 1"
                return try await db.raw(sql).first() != nil
            }
            guard busy == true else { return }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
