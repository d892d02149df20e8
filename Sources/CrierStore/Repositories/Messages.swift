import CrierCore
import Foundation
import SQLKit

/// What a message list may be narrowed to.
public struct MessageFilter: Sendable {
    public var customerId: Int64?
    public var bookingId: Int64?
    public var eventId: Int64?
    public var status: MessageStatus?
    public var kind: MessageKind?
    /// Created at or after this instant.
    public var from: Date?
    /// Created before this instant.
    public var until: Date?

    public init(customerId: Int64? = nil, bookingId: Int64? = nil, eventId: Int64? = nil, status: MessageStatus? = nil,
                kind: MessageKind? = nil, from: Date? = nil, until: Date? = nil) {
        self.from = from
        self.until = until
        self.customerId = customerId
        self.bookingId = bookingId
        self.eventId = eventId
        self.status = status
        self.kind = kind
    }
}

/// One try at handing a message to the provider.
public struct MessageAttempt: Sendable, Equatable {
    public var attempt: Int
    public var startedAt: Date
    public var finishedAt: Date?
    /// `accepted`, `retryable`, `permanent`, `opted_out`, `unknown`, `template_error`...
    public var outcome: String
    public var errorCode: String?
    public var detail: String?
}

/// Reads the message log.
public struct Messages: Sendable {
    let store: Store

    static let columns = """
        id, venue_id, customer_id, booking_id, event_id, direction, kind, status, reason, to_number, from_number, body, segments,
        encoding, idempotency_key, scheduled_for, deadline, attempts, sent_at, handed_off_at, provider_message_id, error_code, created_at,
        updated_at
        """

    /// Messages newest first.
    public func list(venueId: Int64, filter: MessageFilter, cursor: String?, limit: Int) async throws -> Page<Message> {
        let before = try cursor.map { c throws(CrierError) in try Cursor.decode(c, count: 1) }
        return try await store.engine.read { db in
            var sql = SQLQueryString("SELECT \(unsafeRaw: Self.columns) FROM messages WHERE venue_id = \(bind: venueId)")
            if let v = filter.customerId { sql += " AND customer_id = \(bind: v)" }
            if let v = filter.bookingId { sql += " AND booking_id = \(bind: v)" }
            if let v = filter.eventId { sql += " AND event_id = \(bind: v)" }
            if let v = filter.status { sql += " AND status = \(bind: v.rawValue)" }
            if let v = filter.kind { sql += " AND kind = \(bind: v.rawValue)" }
            if let v = filter.from { sql += " AND created_at >= \(bind: v.millisecondsSince1970)" }
            if let v = filter.until { sql += " AND created_at < \(bind: v.millisecondsSince1970)" }
            if let id = before?[0].int64Value { sql += " AND id < \(bind: id)" }
            sql += " ORDER BY id DESC LIMIT \(bind: limit + 1)"
            return Page(rows: try await db.raw(sql).all().map(Self.decode), limit: limit) { [.number(Double($0.id))] }
        }
    }

    /// One message with its attempts, oldest first.
    public func get(venueId: Int64, id: Int64) async throws -> (message: Message, attempts: [MessageAttempt]) {
        try await store.engine.read { db in
            guard let row = try await db.raw("""
                SELECT \(unsafeRaw: Self.columns) FROM messages WHERE id = \(bind: id) AND venue_id = \(bind: venueId)
                """).first()
            else { throw CrierError.notFound("message") }
            let attempts = try await db.raw("""
                SELECT attempt, started_at, finished_at, outcome, error_code, detail FROM message_attempts
                WHERE message_id = \(bind: id) ORDER BY id
                """).all().map { r in
                MessageAttempt(
                    attempt: try r.decode(column: "attempt", as: Int.self),
                    startedAt: Date(millisecondsSince1970: try r.decode(column: "started_at", as: Int64.self)),
                    finishedAt: try r.decode(column: "finished_at", as: Int64?.self).map(Date.init(millisecondsSince1970:)),
                    outcome: try r.decode(column: "outcome", as: String.self),
                    errorCode: try r.decode(column: "error_code", as: String?.self),
                    detail: try r.decode(column: "detail", as: String?.self))
            }
            return (try Self.decode(row), attempts)
        }
    }

    static func decode(_ row: any SQLRow) throws -> Message {
        func date(_ column: String) throws -> Date? {
            try row.decode(column: column, as: Int64?.self).map(Date.init(millisecondsSince1970:))
        }
        return Message(
            id: try row.decode(column: "id", as: Int64.self),
            venueId: try row.decode(column: "venue_id", as: Int64.self),
            customerId: try row.decode(column: "customer_id", as: Int64?.self),
            bookingId: try row.decode(column: "booking_id", as: Int64?.self),
            eventId: try row.decode(column: "event_id", as: Int64?.self),
            direction: Message.Direction(rawValue: try row.decode(column: "direction", as: String.self)) ?? .out,
            kind: MessageKind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .manual,
            status: MessageStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .unknown,
            reason: try row.decode(column: "reason", as: String?.self),
            to: try row.decode(column: "to_number", as: String.self),
            from: try row.decode(column: "from_number", as: String?.self),
            body: try row.decode(column: "body", as: String?.self),
            segments: try row.decode(column: "segments", as: Int?.self),
            encoding: try row.decode(column: "encoding", as: String?.self).flatMap(SMSEncoding.init(rawValue:)),
            idempotencyKey: try row.decode(column: "idempotency_key", as: String?.self),
            scheduledFor: try date("scheduled_for"), deadline: try date("deadline"),
            attempts: try row.decode(column: "attempts", as: Int.self), sentAt: try date("sent_at"),
            handedOffAt: try date("handed_off_at"),
            providerMessageId: try row.decode(column: "provider_message_id", as: String?.self),
            errorCode: try row.decode(column: "error_code", as: String?.self),
            createdAt: Date(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: Date(millisecondsSince1970: try row.decode(column: "updated_at", as: Int64.self)))
    }
}
