import CrierCore
import Foundation
import SQLKit

/// Everything the dispatcher needs to decide about, render and send one claimed message.
public struct DispatchContext: Sendable {
    public var message: Message
    public var venue: Venue
    public var customer: Customer?
    public var consent: ConsentState?
    public var booking: Booking?
    public var event: Event?
    /// The venue's provider plugin id and its settings.
    public var provider: String
    public var providerSettings: [String: String]
    /// The venue's template overrides by name.
    public var templates: [String: String]
}

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
    /// The attempt to log, if one was made.
    public var attempt: (outcome: String, detail: String?, startedAt: Date)?

    public init(
        body: String? = nil, segments: Int? = nil, encoding: SMSEncoding? = nil, from: String? = nil, provider: String? = nil,
        providerMessageId: String? = nil, errorCode: String? = nil, reason: String? = nil, scheduledFor: Date? = nil,
        attempt: (outcome: String, detail: String?, startedAt: Date)? = nil
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
        self.attempt = attempt
    }
}

/// The outbox's sending side: atomic claims (safe with several processes), leases, and recording
/// outcomes through the one state machine, each in its own transaction.
public struct Dispatch: Sendable {
    let store: Store

    /// Claims up to `limit` due messages for `worker`, leasing them for `lease` seconds.
    /// PostgreSQL skips rows another instance has locked; SQLite's writer lock makes the
    /// single UPDATE ... RETURNING atomic.
    public func claimDue(limit: Int, lease: TimeInterval, worker: String) async throws -> [Message] {
        let now = store.clock.now()
        let skipLocked = store.engine.kind == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        return try await store.engine.transaction { db in
            try await db.raw("""
                UPDATE messages SET status = 'sending', lease_until = \(bind: now.addingTimeInterval(lease).millisecondsSince1970),
                    claimed_by = \(bind: worker), attempts = attempts + 1, updated_at = \(bind: now.millisecondsSince1970)
                WHERE id IN (SELECT id FROM messages WHERE status = 'scheduled' AND scheduled_for <= \(bind: now.millisecondsSince1970)
                             ORDER BY scheduled_for, id LIMIT \(bind: limit)\(unsafeRaw: skipLocked))
                RETURNING \(unsafeRaw: Messages.columns)
                """).all().map(Messages.decode).sorted { ($0.scheduledFor ?? now, $0.id) < ($1.scheduledFor ?? now, $1.id) }
        }
    }

    /// Moves messages whose dispatcher vanished mid-send (lease over) to `unknown`: they are never
    /// resent automatically; a status callback or staff settle them. Returns how many.
    public func expireLeases() async throws -> Int {
        let now = store.clock.now()
        return try await store.engine.transaction { db in
            let rows = try await db.raw("""
                UPDATE messages SET status = 'unknown', reason = \(bind: MessageReason.leaseExpired), updated_at = \(bind: now.millisecondsSince1970)
                WHERE status = 'sending' AND lease_until < \(bind: now.millisecondsSince1970)
                RETURNING id, venue_id, customer_id, kind
                """).all()
            let journal = JournalWriter(db: db, actor: .system, at: now)
            for row in rows {
                try await journal.append(
                    venueId: try row.decode(column: "venue_id", as: Int64.self), customerId: try row.decode(column: "customer_id", as: Int64?.self),
                    kind: JournalKind.messageUnknown, subjectType: "message", subjectId: try row.decode(column: "id", as: Int64.self),
                    data: ["kind": .string(try row.decode(column: "kind", as: String.self)), "reason": .string(MessageReason.leaseExpired)])
            }
            return rows.count
        }
    }

    /// Loads what the dispatcher re-checks before sending: current venue, customer, consent, booking, event.
    /// `templates` are the venue's overrides, read by the caller once per pass rather than per message.
    public func context(for message: Message, templates: [String: String]) async throws -> DispatchContext {
        try await store.engine.read { db in
            guard let venueRow = try await db.raw("""
                SELECT \(unsafeRaw: Venues.columns), provider, provider_settings FROM venues WHERE id = \(bind: message.venueId)
                """).first()
            else { throw CrierError.notFound("venue") }
            var customer: Customer?, consent: ConsentState?, booking: Booking?, event: Event?
            if let id = message.customerId, let row = try await db.raw("""
                SELECT \(unsafeRaw: Customers.columns), sms_transactional, sms_marketing FROM customers
                WHERE id = \(bind: id) AND venue_id = \(bind: message.venueId)
                """).first() {
                customer = try Customers.decode(row)
                consent = ConsentState(
                    transactional: try row.decode(column: "sms_transactional", as: Bool.self),
                    marketing: try row.decode(column: "sms_marketing", as: Bool.self))
            }
            // Only "not found" means gone; any other error must not cancel a message, so it propagates.
            if let id = message.bookingId {
                do { booking = try await Bookings.fetch(db, venueId: message.venueId, id: id) } catch CrierError.notFound {}
            }
            if let id = message.eventId {
                do { event = try await Events.fetch(db, venueId: message.venueId, id: id, lock: false) } catch CrierError.notFound {}
            }
            let settingsText = try venueRow.decode(column: "provider_settings", as: String.self)
            let settings = (try? JSONDecoder().decode([String: String].self, from: Data(settingsText.utf8))) ?? [:]
            return DispatchContext(
                message: message, venue: try Venues.decode(venueRow), customer: customer, consent: consent, booking: booking,
                event: event, provider: try venueRow.decode(column: "provider", as: String.self), providerSettings: settings,
                templates: templates)
        }
    }

    /// Messages already handed to the provider for `to` since `since` (the flood guard's count).
    public func sentTo(_ to: String, since: Date) async throws -> Int {
        try await store.engine.read { db in
            try await db.raw("""
                SELECT COUNT(*) AS n FROM messages WHERE to_number = \(bind: to) AND sent_at >= \(bind: since.millisecondsSince1970)
                """).first()!.decode(column: "n", as: Int.self)
        }
    }

    /// Applies `event` to the message through the state machine and writes `update` when it moves;
    /// returns the transition. An opted-out outcome also revokes the customer's SMS consent, in the
    /// same transaction.
    @discardableResult
    public func record(_ id: Int64, _ event: MessageEvent, _ update: MessageUpdate = MessageUpdate()) async throws -> MessageTransition {
        let now = store.clock.now()
        let lock = store.engine.kind == .postgres ? " FOR UPDATE" : ""
        return try await store.engine.transaction { db in
            guard let row = try await db.raw("""
                SELECT status, venue_id, customer_id, kind, attempts FROM messages WHERE id = \(bind: id)\(unsafeRaw: lock)
                """).first()
            else { throw CrierError.notFound("message") }
            let current = MessageStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .unknown
            let transition = MessageTransition.apply(event, to: current)
            let venueId = try row.decode(column: "venue_id", as: Int64.self)
            let customerId = try row.decode(column: "customer_id", as: Int64?.self)
            let journal = JournalWriter(db: db, actor: .system, at: now)
            if let attempt = update.attempt {
                try await db.raw("""
                    INSERT INTO message_attempts (message_id, attempt, started_at, finished_at, outcome, error_code, detail)
                    VALUES (\(bind: id), \(bind: try row.decode(column: "attempts", as: Int.self)), \(bind: attempt.startedAt.millisecondsSince1970),
                            \(bind: now.millisecondsSince1970), \(bind: attempt.outcome), \(bind: update.errorCode), \(bind: attempt.detail))
                    """).run()
            }
            guard case .to(let next) = transition else { return transition }
            var sql = SQLQueryString("UPDATE messages SET status = \(bind: next.rawValue), updated_at = \(bind: now.millisecondsSince1970)")
            if next != .sending { sql += ", lease_until = NULL" }
            if let v = update.body { sql += ", body = \(bind: v)" }
            if let v = update.segments { sql += ", segments = \(bind: v)" }
            if let v = update.encoding { sql += ", encoding = \(bind: v.rawValue)" }
            if let v = update.from { sql += ", from_number = \(bind: v)" }
            if let v = update.provider { sql += ", provider = \(bind: v)" }
            if let v = update.providerMessageId { sql += ", provider_message_id = \(bind: v)" }
            if let v = update.errorCode { sql += ", error_code = \(bind: v)" }
            if let v = update.reason { sql += ", reason = \(bind: v)" }
            if let v = update.scheduledFor { sql += ", scheduled_for = \(bind: v.millisecondsSince1970)" }
            if next == .sent { sql += ", sent_at = \(bind: now.millisecondsSince1970)" }
            if event == .postpone { sql += ", attempts = attempts - 1" }
            sql += " WHERE id = \(bind: id)"
            try await db.raw(sql).run()
            if next != .scheduled {
                try await journal.append(
                    venueId: venueId, customerId: customerId, kind: "message.\(next.rawValue)", subjectType: "message", subjectId: id,
                    data: ["kind": .string(try row.decode(column: "kind", as: String.self)), "reason": .from(update.reason),
                           "error_code": .from(update.errorCode), "provider_message_id": .from(update.providerMessageId)])
            }
            if update.reason == MessageReason.optedOut, let customerId {
                let state = try await Consents.load(db, venueId: venueId, customerId: customerId).state
                for purpose in ConsentPurpose.allCases where state[purpose] {
                    try await Consents.record(
                        db, journal: journal, venueId: venueId, customerId: customerId, purpose: purpose, granted: false,
                        source: .providerError, note: update.errorCode.map { "provider error \($0)" })
                }
            }
            return transition
        }
    }

    /// Scheduled messages due by `moment`, soonest first (what `crier reminders preview --at` lists).
    public func due(by moment: Date, limit: Int) async throws -> [Message] {
        try await store.engine.read { db in
            try await db.raw("""
                SELECT \(unsafeRaw: Messages.columns) FROM messages WHERE status = 'scheduled' AND scheduled_for <= \(bind: moment.millisecondsSince1970)
                ORDER BY scheduled_for, id LIMIT \(bind: limit)
                """).all().map(Messages.decode)
        }
    }
}
