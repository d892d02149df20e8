import CrierPluginKit

/// Builds the contacts from the journal: per batch, loads the rows the entries touch, applies
/// the entries in memory (`ContactsBatch`) and writes back what changed, in the batch's transaction.
struct ContactsProjection: JournalProjection {
    let name = "contacts"

    func apply(_ entries: [JournalEntry], in db: any SQLDatabase, services: PluginServices) async throws {
        let keys = ContactsBatch.keys(entries)
        var batch = ContactsBatch()
        for contact in try await Self.load(db, table: "contacts", key: "customer_id", ids: keys.customers, as: Contact.self) {
            batch.contacts[contact.customerId] = contact
        }
        for booking in try await Self.load(db, table: "contact_bookings", key: "booking_id", ids: keys.bookings, as: ContactBooking.self) {
            batch.bookings[booking.bookingId] = booking
        }
        for event in try await Self.load(db, table: "contact_events", key: "event_id", ids: keys.events, as: ContactEvent.self) {
            batch.events[event.eventId] = event
        }
        for entry in entries { batch.apply(entry) }
        try await Self.delete(db, from: "contacts", key: "customer_id", ids: batch.deletedContacts)
        try await Self.delete(db, from: "contact_bookings", key: "customer_id", ids: batch.deletedContacts)
        try await Self.delete(db, from: "contact_bookings", key: "booking_id", ids: batch.deletedBookings)
        try await Self.delete(db, from: "contact_events", key: "event_id", ids: batch.deletedEvents)
        try await Self.save(db, into: "contacts", key: "customer_id", batch.changedContacts.compactMap { batch.contacts[$0] })
        try await Self.save(db, into: "contact_bookings", key: "booking_id", batch.changedBookings.compactMap { batch.bookings[$0] })
        try await Self.save(db, into: "contact_events", key: "event_id", batch.changedEvents.compactMap { batch.events[$0] })
    }

    func reset(in db: any SQLDatabase) async throws {
        for table in ["contacts", "contact_bookings", "contact_events"] {
            try await db.delete(from: table).run()
        }
    }

    static let chunk = 400

    static func load<T: Decodable>(_ db: any SQLDatabase, table: String, key: String, ids: Set<Int64>, as type: T.Type) async throws -> [T] {
        var rows: [T] = []
        let all = Array(ids)
        for start in stride(from: 0, to: all.count, by: chunk) {
            let part = Array(all[start..<min(start + chunk, all.count)])
            rows += try await db.select().column("*").from(table).where(SQLIdentifier(key), .in, part)
                .all(decoding: T.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
        return rows
    }

    static func delete(_ db: any SQLDatabase, from table: String, key: String, ids: Set<Int64>) async throws {
        let all = Array(ids)
        for start in stride(from: 0, to: all.count, by: chunk) {
            try await db.delete(from: table).where(SQLIdentifier(key), .in, Array(all[start..<min(start + chunk, all.count)])).run()
        }
    }

    /// Inserts or replaces rows, a few hundred per statement.
    static func save<T: Codable & Sendable>(_ db: any SQLDatabase, into table: String, key: String, _ rows: [T]) async throws {
        for start in stride(from: 0, to: rows.count, by: 100) {
            let part = Array(rows[start..<min(start + 100, rows.count)])
            try await db.insert(into: table).models(part, keyEncodingStrategy: .convertToSnakeCase, nilEncodingStrategy: .asNil)
                .onConflict(with: [key]) { try $0.set(excludedContentOf: part[0], keyEncodingStrategy: .convertToSnakeCase, nilEncodingStrategy: .asNil) }
                .run()
        }
    }
}
