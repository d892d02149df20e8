import CrierCore
import Foundation
import SQLKit

/// Appends journal entries inside the caller's transaction, so a change and its record commit together.
struct JournalWriter {
    let db: any SQLDatabase
    let actor: Actor
    let at: Date

    /// Appends one entry and returns its id.
    @discardableResult
    func append(
        venueId: Int64, customerId: Int64?, kind: String, subjectType: String, subjectId: Int64, data: JSONValue
    ) async throws -> Int64 {
        let text = data.jsonText
        try await JournalHighWater.holdWhileWriting(db)
        return try await db.insertReturningID("""
            INSERT INTO journal (venue_id, customer_id, kind, subject_type, subject_id, data, actor, created_at)
            VALUES (\(bind: venueId), \(bind: customerId), \(bind: kind), \(bind: subjectType), \(bind: subjectId),
                    \(bind: text), \(bind: actor.description), \(bind: at.millisecondsSince1970))
            """)
    }
}

extension JournalWriter {
    /// One entry to append with `appendAll`.
    struct Entry {
        var venueId: Int64
        var customerId: Int64?
        var kind: String
        var subjectType: String
        var subjectId: Int64
        var data: JSONValue
    }

    /// Appends many entries in one statement (the dispatcher records a batch's outcomes at once).
    func appendAll(_ entries: [Entry]) async throws {
        guard !entries.isEmpty else { return }
        try await JournalHighWater.holdWhileWriting(db)
        var rows: [SQLQueryString] = []
        for e in entries {
            let text = e.data.jsonText
            rows.append("""
                (\(bind: e.venueId), \(bind: e.customerId), \(bind: e.kind), \(bind: e.subjectType), \(bind: e.subjectId), \(bind: text),
                 \(bind: actor.description), \(bind: at.millisecondsSince1970))
                """)
        }
        try await db.raw("""
            INSERT INTO journal (venue_id, customer_id, kind, subject_type, subject_id, data, actor, created_at)
            VALUES \(rows.joined(separator: ", "))
            """).run()
    }
}

extension JournalWriter {
    /// Appends a `*.changed` entry for the fields that differ between two snapshots, with the new
    /// values and the ones they replaced; appends nothing when nothing changed.
    @discardableResult
    func appendChanges(
        venueId: Int64, customerId: Int64?, kind: String, subjectType: String, subjectId: Int64,
        before: [String: JSONValue], after: [String: JSONValue], extra: [String: JSONValue] = [:]
    ) async throws -> Int64? {
        let keys = Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }
        guard !keys.isEmpty else { return nil }
        var data = extra
        data["changed"] = .object(Dictionary(uniqueKeysWithValues: keys.map { ($0, after[$0] ?? .null) }))
        data["previous"] = .object(Dictionary(uniqueKeysWithValues: keys.map { ($0, before[$0] ?? .null) }))
        return try await append(
            venueId: venueId, customerId: customerId, kind: kind, subjectType: subjectType, subjectId: subjectId, data: .object(data))
    }
}

extension SQLDatabase {
    /// Runs an INSERT ... RETURNING id and returns the new id.
    func insertReturningID(_ query: SQLQueryString) async throws -> Int64 {
        var query = query
        query.appendLiteral(" RETURNING id")
        guard let row = try await raw(query).first() else { throw StoreFailure("insert returned no id") }
        return try row.decode(column: "id", as: Int64.self)
    }
}

/// A failure that is Crier's fault, not the user's (HTTP 500).
public struct StoreFailure: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
