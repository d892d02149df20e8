import CrierCore
import Foundation
import SQLKit

/// Appends journal entries inside the caller's transaction, so a change and its record commit together.
struct JournalWriter {
    let db: any SQLDatabase
    let actor: Actor
    let at: Date
    var codec: JournalCodec { .shared }

    /// Appends one entry and returns its id.
    @discardableResult
    func append(venueId: Int64, customerId: Int64?, subjectId: Int64, _ event: JournalEvent) async throws -> Int64 {
        guard let kind = event.journalKind else { throw StoreFailure("cannot write an unrecognized journal entry") }
        let text = try codec.encode(event)
        try await JournalHighWater.holdWhileWriting(db)
        return try await db.insertReturningID("""
            INSERT INTO journal (venue_id, customer_id, kind, subject_type, subject_id, data, actor, created_at)
            VALUES (\(bind: venueId), \(bind: customerId), \(bind: kind.rawValue), \(bind: kind.subject.rawValue), \(bind: subjectId),
                    \(bind: text), \(bind: actor.description), \(bind: at.millisecondsSince1970))
            """)
    }
}

extension JournalWriter {
    /// One entry to append with `appendAll`.
    struct Entry {
        var venueId: Int64
        var customerId: Int64?
        var subjectId: Int64
        var event: JournalEvent
    }

    /// Appends many entries in one statement (the dispatcher records a batch's outcomes at once).
    func appendAll(_ entries: [Entry]) async throws {
        guard !entries.isEmpty else { return }
        try await JournalHighWater.holdWhileWriting(db)
        var rows: [SQLQueryString] = []
        for e in entries {
            guard let kind = e.event.journalKind else { throw StoreFailure("cannot write an unrecognized journal entry") }
            let text = try codec.encode(e.event)
            rows.append("""
                (\(bind: e.venueId), \(bind: e.customerId), \(bind: kind.rawValue), \(bind: kind.subject.rawValue), \(bind: e.subjectId), \(bind: text),
                 \(bind: actor.description), \(bind: at.millisecondsSince1970))
                """)
        }
        try await db.raw("""
            INSERT INTO journal (venue_id, customer_id, kind, subject_type, subject_id, data, actor, created_at)
            VALUES \(rows.joined(separator: ", "))
            """).run()
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
