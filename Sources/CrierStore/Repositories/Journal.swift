import CrierCore
import Foundation
import SQLKit

/// Reads the journal. Writing happens only through `JournalWriter`, inside each change's transaction.
public struct Journal: Sendable {
    let store: Store

    static let columns = "id, venue_id, customer_id, kind, subject_type, subject_id, data, actor, created_at"

    /// A customer's entries, newest first (the timeline's source). 404 if the customer is not the venue's,
    /// unless the customer was deleted: their history stays readable for audit.
    public func forCustomer(venueId: Int64, customerId: Int64, cursor: String?, limit: Int) async throws -> Page<JournalEntry> {
        let before = try cursor.map { c throws(CrierError) in try Cursor.decode(c, count: 1) }
        return try await store.engine.read { db in
            var sql = SQLQueryString("""
                SELECT \(unsafeRaw: Self.columns) FROM journal WHERE customer_id = \(bind: customerId) AND venue_id = \(bind: venueId)
                """)
            if let id = before?[0].int64Value { sql += " AND id < \(bind: id)" }
            sql += " ORDER BY id DESC LIMIT \(bind: limit + 1)"
            let rows = try await Self.decode(db.raw(sql).all())
            if rows.isEmpty && before == nil {
                _ = try await Customers.fetch(db, venueId: venueId, id: customerId)
            }
            return Page(rows: rows, limit: limit) { [.number(Double($0.id))] }
        }
    }

    /// Entries after `id` in order, across venues: what plugin projections consume.
    public func after(id: Int64, limit: Int) async throws -> [JournalEntry] {
        try await store.engine.read { db in
            try await Self.decode(db.raw("SELECT \(unsafeRaw: Self.columns) FROM journal WHERE id > \(bind: id) ORDER BY id LIMIT \(bind: limit)")
                .all())
        }
    }

    /// Rows as entries (a projection reads hundreds at a time).
    static func decode(_ rows: [any SQLRow]) throws -> [JournalEntry] {
        try rows.map { try decode($0, .shared) }
    }

    static func decode(_ row: any SQLRow, _ codec: JournalCodec) throws -> JournalEntry {
        let text = try row.decode(column: "data", as: String.self)
        return JournalEntry(
            id: try row.decode(column: "id", as: Int64.self),
            venueId: try row.decode(column: "venue_id", as: Int64.self),
            customerId: try row.decode(column: "customer_id", as: Int64?.self),
            event: codec.decode(kind: try row.decode(column: "kind", as: String.self), data: text),
            subjectType: try row.decode(column: "subject_type", as: String.self),
            subjectId: try row.decode(column: "subject_id", as: Int64.self),
            dataText: text,
            actor: try row.decode(column: "actor", as: String.self),
            createdAt: Date(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)))
    }
}
