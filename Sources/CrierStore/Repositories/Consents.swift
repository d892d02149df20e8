import CrierCore
import Foundation
import SQLKit

/// A customer's SMS consent: the current state on the customer row, every change kept in
/// `consent_changes` and journaled.
public struct Consents: Sendable {
    let store: Store

    /// Current state and full history (oldest first) of one customer's consent.
    public func get(venueId: Int64, customerId: Int64) async throws -> (state: ConsentState, history: [ConsentChange]) {
        try await store.engine.read { db in
            try await Self.load(db, venueId: venueId, customerId: customerId)
        }
    }

    /// Sets the given purposes; only real changes are recorded. Returns the new state and history.
    public func set(
        venueId: Int64, customerId: Int64, changes: [ConsentPurpose: Bool], source: ConsentSource, note: String?,
        actor: Actor
    ) async throws -> (state: ConsentState, history: [ConsentChange]) {
        let now = store.clock.now()
        return try await store.engine.transaction { db in
            let (state, _) = try await Self.load(db, venueId: venueId, customerId: customerId)
            let journal = JournalWriter(db: db, actor: actor, at: now)
            for purpose in ConsentPurpose.allCases {
                guard let granted = changes[purpose], granted != state[purpose] else { continue }
                try await Self.record(
                    db, journal: journal, venueId: venueId, customerId: customerId, purpose: purpose, granted: granted,
                    source: source, note: note)
            }
            return try await Self.load(db, venueId: venueId, customerId: customerId)
        }
    }

    /// Writes one change: the customer's current flag, the history row and the journal entry.
    static func record(
        _ db: any SQLDatabase, journal: JournalWriter, venueId: Int64, customerId: Int64, purpose: ConsentPurpose,
        granted: Bool, source: ConsentSource, note: String?
    ) async throws {
        let column = purpose == .transactional ? "sms_transactional" : "sms_marketing"
        try await db.raw("""
            UPDATE customers SET \(unsafeRaw: column) = \(bind: granted) WHERE id = \(bind: customerId) AND venue_id = \(bind: venueId)
            """).run()
        try await db.raw("""
            INSERT INTO consent_changes (venue_id, customer_id, purpose, granted, source, note, changed_at)
            VALUES (\(bind: venueId), \(bind: customerId), \(bind: purpose.rawValue), \(bind: granted), \(bind: source.rawValue),
                    \(bind: note), \(bind: journal.at.millisecondsSince1970))
            """).run()
        if granted, source == .startReply, let mobile = try await db.raw("""
            SELECT mobile FROM customers WHERE id = \(bind: customerId)
            """).first()?.decode(column: "mobile", as: String.self) {
            try await OptOutMemory.forget(db, venueId: venueId, mobile: mobile)
        }
        let change = ConsentChanged(purpose: purpose, source: source, note: note)
        try await journal.append(
            venueId: venueId, customerId: customerId, subjectId: customerId, granted ? .consentGranted(change) : .consentRevoked(change))
    }

    static func load(_ db: any SQLDatabase, venueId: Int64, customerId: Int64) async throws
        -> (state: ConsentState, history: [ConsentChange])
    {
        guard let row = try await db.raw("""
            SELECT sms_transactional, sms_marketing FROM customers WHERE id = \(bind: customerId) AND venue_id = \(bind: venueId)
            """).first()
        else { throw CrierError.notFound("customer") }
        let state = ConsentState(
            transactional: try row.decode(column: "sms_transactional", as: Bool.self),
            marketing: try row.decode(column: "sms_marketing", as: Bool.self))
        let history = try await db.raw("""
            SELECT id, customer_id, purpose, granted, source, note, changed_at FROM consent_changes
            WHERE customer_id = \(bind: customerId) ORDER BY id
            """).all().map(decodeChange)
        return (state, history)
    }

    static func decodeChange(_ row: any SQLRow) throws -> ConsentChange {
        ConsentChange(
            id: try row.decode(column: "id", as: Int64.self),
            customerId: try row.decode(column: "customer_id", as: Int64.self),
            purpose: ConsentPurpose(rawValue: try row.decode(column: "purpose", as: String.self)) ?? .transactional,
            granted: try row.decode(column: "granted", as: Bool.self),
            source: ConsentSource(rawValue: try row.decode(column: "source", as: String.self)) ?? .staff,
            note: try row.decode(column: "note", as: String?.self),
            changedAt: Date(millisecondsSince1970: try row.decode(column: "changed_at", as: Int64.self)))
    }
}
