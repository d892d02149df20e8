import CrierCore
import Foundation
import SQLKit

/// What to write when a message moves.
public struct MessageUpdate: Sendable {
    public var body: String?
    public var segments: Int?
    public var encoding: SMSEncoding?
    public var from: String?
    public var provider: String?
    public var providerMessageId: String?
    public var errorCode: String?
    public var reason: String?
    /// For a retry or a postponement: when to try again.
    public var scheduledFor: Date?
    /// For a lost outcome: when to ask the provider about it.
    public var checkAfter: Date?
    /// The attempt to log, if one was made.
    public var attempt: (outcome: String, detail: String?, startedAt: Date)?

    public init(
        body: String? = nil, segments: Int? = nil, encoding: SMSEncoding? = nil, from: String? = nil, provider: String? = nil,
        providerMessageId: String? = nil, errorCode: String? = nil, reason: String? = nil, scheduledFor: Date? = nil,
        checkAfter: Date? = nil, attempt: (outcome: String, detail: String?, startedAt: Date)? = nil
    ) {
        self.body = body
        self.segments = segments
        self.encoding = encoding
        self.from = from
        self.provider = provider
        self.providerMessageId = providerMessageId
        self.errorCode = errorCode
        self.reason = reason
        self.scheduledFor = scheduledFor
        self.checkAfter = checkAfter
        self.attempt = attempt
    }
}

/// One message's move: the state-machine event and what to write if it moves.
public struct MessageChange: Sendable {
    public var id: Int64
    public var event: MessageEvent
    public var update: MessageUpdate

    public init(_ id: Int64, _ event: MessageEvent, _ update: MessageUpdate = MessageUpdate()) {
        self.id = id
        self.event = event
        self.update = update
    }
}

extension Dispatch {
    /// Applies `event` to the message through the state machine and writes `update` when it moves;
    /// returns the transition. An opted-out outcome also revokes the customer's SMS consent, in the
    /// same transaction.
    @discardableResult
    public func record(_ id: Int64, _ event: MessageEvent, _ update: MessageUpdate = MessageUpdate()) async throws -> MessageTransition {
        guard let transition = try await recordAll([MessageChange(id, event, update)])[id] else { throw CrierError.notFound("message") }
        return transition
    }

    /// Records many messages' moves in one transaction and a handful of statements (one read, one
    /// insert per table, one update), so a dispatcher's outcomes cost the writer almost nothing per
    /// message. Returns each found message's transition; ids not found are left out.
    @discardableResult
    public func recordAll(_ changes: [MessageChange]) async throws -> [Int64: MessageTransition] {
        guard !changes.isEmpty else { return [:] }
        let now = store.clock.now()
        let postgres = store.engine.kind == .postgres
        return try await store.engine.transaction { db in
            try await Self.apply(changes, db: db, now: now, postgres: postgres)
        }
    }

    /// `recordAll`'s work inside a transaction of the caller's (the hand-off records the previous
    /// wave's outcomes in its own).
    static func apply(_ changes: [MessageChange], db: any SQLDatabase, now: Date, postgres: Bool) async throws -> [Int64: MessageTransition] {
            guard !changes.isEmpty else { return [:] }
            let lock = postgres ? " ORDER BY id FOR UPDATE" : ""
            var current: [Int64: (status: MessageStatus, venueId: Int64, customerId: Int64?, kind: String, attempts: Int)] = [:]
            for row in try await db.raw("""
                SELECT id, status, venue_id, customer_id, kind, attempts FROM messages
                WHERE id IN (\(binds: Array(Set(changes.map(\.id)))))\(unsafeRaw: lock)
                """).all() {
                current[try row.decode(column: "id", as: Int64.self)] = (
                    MessageStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .unknown,
                    try row.decode(column: "venue_id", as: Int64.self), try row.decode(column: "customer_id", as: Int64?.self),
                    try row.decode(column: "kind", as: String.self), try row.decode(column: "attempts", as: Int.self))
            }
            // The attempt a hand-off opened is closed with its outcome; a step made without one (a
            // template error) gets a row of its own.
            var open: [Int64: Int64] = [:]
            let logged = changes.filter { $0.update.attempt != nil }.map(\.id)
            if !logged.isEmpty {
                for row in try await db.raw("""
                    SELECT id, message_id FROM message_attempts WHERE message_id IN (\(binds: Array(Set(logged)))) AND finished_at IS NULL
                    """).all() {
                    open[try row.decode(column: "message_id", as: Int64.self)] = try row.decode(column: "id", as: Int64.self)
                }
            }
            var transitions: [Int64: MessageTransition] = [:]
            var attempts: [SQLQueryString] = []
            var closings: [SQLQueryString] = []
            var moves: [SQLQueryString] = []
            var entries: [JournalWriter.Entry] = []
            var optOuts: [(venueId: Int64, customerId: Int64, errorCode: String?)] = []
            for change in changes {
                guard var row = current[change.id] else { continue }
                let u = change.update
                if let attempt = u.attempt {
                    if let attemptId = open.removeValue(forKey: change.id) {
                        closings.append("""
                            (CAST(\(bind: attemptId) AS BIGINT), CAST(\(bind: attempt.outcome) AS TEXT), CAST(\(bind: u.errorCode) AS TEXT),
                             CAST(\(bind: attempt.detail) AS TEXT))
                            """)
                    } else {
                        attempts.append("""
                            (\(bind: change.id), \(bind: row.attempts), \(bind: attempt.startedAt.millisecondsSince1970), \(bind: now.millisecondsSince1970),
                             \(bind: attempt.outcome), \(bind: u.errorCode), \(bind: attempt.detail))
                            """)
                    }
                }
                let transition = MessageTransition.apply(change.event, to: row.status)
                transitions[change.id] = transition
                guard case .to(let next) = transition else { continue }
                // A later change to the same message in this batch starts from here.
                row.status = next
                current[change.id] = row
                moves.append("""
                    (CAST(\(bind: change.id) AS BIGINT), CAST(\(bind: next.rawValue) AS TEXT), CAST(\(bind: u.body) AS TEXT),
                     CAST(\(bind: u.segments) AS INTEGER), CAST(\(bind: u.encoding?.rawValue) AS TEXT), CAST(\(bind: u.from) AS TEXT),
                     CAST(\(bind: u.provider) AS TEXT), CAST(\(bind: u.providerMessageId) AS TEXT), CAST(\(bind: u.errorCode) AS TEXT),
                     CAST(\(bind: u.reason) AS TEXT), CAST(\(bind: u.scheduledFor?.millisecondsSince1970) AS BIGINT),
                     CAST(\(bind: next == .sent ? now.millisecondsSince1970 : nil) AS BIGINT),
                     CAST(\(bind: u.checkAfter?.millisecondsSince1970) AS BIGINT))
                    """)
                if let kind = JournalKind.message(next) {
                    entries.append(JournalWriter.Entry(
                        venueId: row.venueId, customerId: row.customerId, subjectId: change.id,
                        event: .messageMoved(kind, MessageMoved(
                            kind: MessageKind(rawValue: row.kind), reason: u.reason, errorCode: u.errorCode, providerMessageId: u.providerMessageId))))
                }
                if u.reason == MessageReason.optedOut, let customerId = row.customerId {
                    optOuts.append((row.venueId, customerId, u.errorCode))
                }
            }
            if !attempts.isEmpty {
                try await db.raw("""
                    INSERT INTO message_attempts (message_id, attempt, started_at, finished_at, outcome, error_code, detail)
                    VALUES \(attempts.joined(separator: ", "))
                    """).run()
            }
            if !closings.isEmpty {
                try await db.raw("""
                    WITH v(id, outcome, error_code, detail) AS (VALUES \(closings.joined(separator: ", ")))
                    UPDATE message_attempts SET finished_at = \(bind: now.millisecondsSince1970), outcome = v.outcome,
                        error_code = v.error_code, detail = v.detail
                    FROM v WHERE message_attempts.id = v.id
                    """).run()
            }
            if !moves.isEmpty {
                // One statement for every move; a NULL column keeps what the message had. Leaving
                // `sending` or a postponement ends any claim or lease on the message.
                try await db.raw("""
                    WITH v(id, status, body, segments, encoding, from_number, provider, provider_message_id, error_code, reason,
                           scheduled_for, sent_at, check_after) AS (VALUES \(moves.joined(separator: ", ")))
                    UPDATE messages SET status = v.status, updated_at = \(bind: now.millisecondsSince1970),
                        lease_until = CASE WHEN v.status = 'sending' THEN messages.lease_until ELSE NULL END,
                        claimed_by = CASE WHEN v.status = 'sending' THEN messages.claimed_by ELSE NULL END,
                        body = COALESCE(v.body, messages.body), segments = COALESCE(v.segments, messages.segments),
                        encoding = COALESCE(v.encoding, messages.encoding), from_number = COALESCE(v.from_number, messages.from_number),
                        provider = COALESCE(v.provider, messages.provider),
                        provider_message_id = COALESCE(v.provider_message_id, messages.provider_message_id),
                        error_code = COALESCE(v.error_code, messages.error_code), reason = COALESCE(v.reason, messages.reason),
                        scheduled_for = COALESCE(v.scheduled_for, messages.scheduled_for), sent_at = COALESCE(v.sent_at, messages.sent_at),
                        check_after = CASE WHEN v.status = 'unknown' THEN COALESCE(v.check_after, messages.check_after) ELSE NULL END
                    FROM v WHERE messages.id = v.id
                    """).run()
            }
            let journal = JournalWriter(db: db, actor: .system, at: now)
            try await journal.appendAll(entries)
            for optOut in optOuts {
                // As with a STOP: nothing else still waiting goes to them.
                try await Outbox(db: db, journal: journal).withdrawPending(.customer(optOut.customerId), reason: MessageReason.optedOut)
                let state = try await Consents.load(db, venueId: optOut.venueId, customerId: optOut.customerId).state
                for purpose in ConsentPurpose.allCases where state[purpose] {
                    try await Consents.record(
                        db, journal: journal, venueId: optOut.venueId, customerId: optOut.customerId, purpose: purpose, granted: false,
                        source: .providerError, note: optOut.errorCode.map { "provider error \($0)" })
                }
            }
            return transitions
    }
}
