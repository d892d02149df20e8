import CrierCore
import Foundation
import SQLKit

/// What an erasure removed and scrubbed.
public struct ErasureReport: Sendable, Equatable {
    public var customerId: Int64
    public var bookingsDeleted: Int
    public var textsScrubbed: Int
    public var entriesScrubbed: Int
    public var optOutKept: Bool
}

/// Erasure (a data-deletion request): the customer goes, with their bookings and consent history,
/// and their personal data is scrubbed from everything that stays: their texts' bodies and numbers,
/// parts of long texts from them, and every journal entry about them (names, mobile, email, notes
/// and bodies replaced by `marker`; counts, ids and timestamps kept, so aggregates stay right). All
/// in one transaction, journaling only that an erasure happened (`customer.erased`), which plugins
/// follow to drop their own rows. A customer who had opted out leaves a salted hash of their number
/// (`OptOutMemory`), so adding the number again starts opted out. A customer deleted earlier can
/// be erased too (their entries are still in the journal).
public struct CustomerErasure: Sendable {
    let store: Store

    /// What personal text is replaced with.
    public static let marker = JournalScrub.marker

    public func erase(venueId: Int64, customerId: Int64, actor: Actor) async throws -> ErasureReport {
        let now = store.clock.now()
        return try await store.engine.transaction(deadline: StoreDeadlines.bulk) { db in
            let person = try await Self.person(db, venueId: venueId, customerId: customerId)
            let journal = JournalWriter(db: db, actor: actor, at: now)
            if person.exists {
                _ = try await Outbox(db: db, journal: journal).withdrawPending(.customer(customerId), reason: MessageReason.customerDeleted)
            }
            let bookings = try await db.raw("SELECT COUNT(*) AS n FROM bookings WHERE customer_id = \(bind: customerId)").first()!
                .decode(column: "n", as: Int.self)
            let marker = Self.marker
            let texts = try await db.raw("""
                UPDATE messages SET body = CASE WHEN body IS NULL THEN NULL ELSE \(bind: marker) END,
                    to_number = CASE WHEN to_number IN (\(binds: person.mobiles)) THEN \(bind: marker) ELSE to_number END,
                    from_number = CASE WHEN from_number IN (\(binds: person.mobiles)) THEN \(bind: marker) ELSE from_number END,
                    customer_id = NULL
                WHERE venue_id = \(bind: venueId)
                  AND (customer_id = \(bind: customerId) OR to_number IN (\(binds: person.mobiles)) OR from_number IN (\(binds: person.mobiles)))
                RETURNING id
                """).all().map { try $0.decode(column: "id", as: Int64.self) }
            for part in stride(from: 0, to: texts.count, by: 500) {
                let ids = Array(texts[part..<min(part + 500, texts.count)])
                try await db.raw("UPDATE message_attempts SET detail = NULL WHERE message_id IN (\(binds: ids))").run()
            }
            try await db.raw("DELETE FROM inbound_parts WHERE venue_id = \(bind: venueId) AND sender IN (\(binds: person.mobiles))").run()
            var scrubbed = 0
            for row in try await Self.entriesAbout(db, venueId: venueId, customerId: customerId, mobiles: person.mobiles, texts: texts) {
                let id = try row.decode(column: "id", as: Int64.self)
                guard let data = JournalScrub.scrub(try row.decode(column: "data", as: String.self), values: person.values) else { continue }
                try await db.raw("UPDATE journal SET data = \(bind: data) WHERE id = \(bind: id)").run()
                scrubbed += 1
            }
            if person.optedOut, let mobile = person.mobiles.first {
                try await OptOutMemory.remember(db, venueId: venueId, mobile: mobile, at: now)
            }
            try await db.raw("DELETE FROM customers WHERE id = \(bind: customerId) AND venue_id = \(bind: venueId)").run()
            let erased = CustomerErased(bookingsDeleted: bookings, textsScrubbed: texts.count, entriesScrubbed: scrubbed, optOutKept: person.optedOut)
            try await journal.append(venueId: venueId, customerId: customerId, subjectId: customerId, .customerErased(erased))
            return ErasureReport(customerId: customerId, bookingsDeleted: bookings, textsScrubbed: texts.count, entriesScrubbed: scrubbed,
                                 optOutKept: person.optedOut)
        }
    }

    /// Everything Crier knew the person by: every mobile, name, email and note they ever had here
    /// (the journal holds past ones), the current mobile first, and whether they had opted out.
    struct Person {
        var exists: Bool
        var mobiles: [String]
        var values: [String]
        var optedOut: Bool
    }

    static func person(_ db: any SQLDatabase, venueId: Int64, customerId: Int64) async throws -> Person {
        var mobiles: [String] = [], values: [String] = [], optedOut = false, erased = false
        func add(_ value: String?) { if let value, !value.isEmpty, !values.contains(value) { values.append(value) } }
        func addMobile(_ mobile: String?) {
            if let mobile, !mobile.isEmpty, !mobiles.contains(mobile) { mobiles.append(mobile) }
            add(mobile)
        }
        let entries = try Journal.decode(try await db.raw("""
            SELECT \(unsafeRaw: Journal.columns) FROM journal WHERE venue_id = \(bind: venueId) AND customer_id = \(bind: customerId) ORDER BY id DESC
            """).all())
        let row = try await db.raw("""
            SELECT first_name, last_name, mobile, email, notes, sms_transactional FROM customers
            WHERE id = \(bind: customerId) AND venue_id = \(bind: venueId)
            """).first()
        if let row {
            addMobile(try row.decode(column: "mobile", as: String.self))
            for column in ["first_name", "last_name", "email", "notes"] { add(try row.decode(column: column, as: String?.self)) }
            optedOut = !(try row.decode(column: "sms_transactional", as: Bool.self))
        }
        var consentSeen = row != nil
        for entry in entries {
            switch entry.event {
            case .customerCreated(let c):
                addMobile(c.mobile)
                [c.firstName, c.lastName, c.email, c.notes].forEach(add)
            case .customerChanged(let c):
                addMobile(c.mobile?.to)
                addMobile(c.mobile?.from)
                [c.firstName?.to, c.firstName?.from, c.lastName?.to, c.lastName?.from].forEach(add)
                [c.email?.to ?? nil, c.email?.from ?? nil, c.notes?.to ?? nil, c.notes?.from ?? nil].forEach(add)
            case .customerDeleted(let d): add(d.name)
            case .customerErased: erased = true
            case .consentGranted(let c) where !consentSeen && c.purpose == .transactional: consentSeen = true
            case .consentRevoked(let c) where !consentSeen && c.purpose == .transactional:
                consentSeen = true
                optedOut = true
            default: break
            }
        }
        guard !erased, row != nil || !entries.isEmpty, !mobiles.isEmpty else { throw CrierError.notFound("customer") }
        return Person(exists: row != nil, mobiles: mobiles, values: values, optedOut: optedOut)
    }

    /// The venue's journal entries about the person: theirs, their texts', and any naming their number.
    static func entriesAbout(_ db: any SQLDatabase, venueId: Int64, customerId: Int64, mobiles: [String], texts: [Int64]) async throws
        -> [any SQLRow]
    {
        var sql = SQLQueryString("SELECT id, data FROM journal WHERE venue_id = \(bind: venueId) AND (customer_id = \(bind: customerId)")
        for mobile in mobiles { sql += " OR data LIKE \(bind: "%" + mobile + "%")" }
        sql += ")"
        var rows = try await db.raw(sql).all()
        let seen = Set(try rows.map { try $0.decode(column: "id", as: Int64.self) })
        for part in stride(from: 0, to: texts.count, by: 500) {
            let ids = Array(texts[part..<min(part + 500, texts.count)])
            rows += try await db.raw("""
                SELECT id, data FROM journal WHERE venue_id = \(bind: venueId) AND subject_type = 'message' AND subject_id IN (\(binds: ids))
                """).all().filter { !seen.contains(try $0.decode(column: "id", as: Int64.self)) }
        }
        return rows
    }
}
