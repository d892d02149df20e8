import CrierPluginKit

/// Builds the contacts from the journal: per batch, loads the rows the entries touch, applies
/// the entries in memory (`ContactsBatch`) and writes back what changed, in the batch's transaction.
struct ContactsProjection: JournalProjection {
    let name = "contacts"

    func apply(_ entries: [JournalEntry], in db: any SQLDatabase, services: PluginServices) async throws {
        let keys = ContactsBatch.keys(entries)
        var batch = ContactsBatch()
        for contact in try await db.rows(Contact.self, where: "customer_id", in: keys.customers) { batch.contacts[contact.customerId] = contact }
        for booking in try await db.rows(ContactBooking.self, where: "booking_id", in: keys.bookings) { batch.bookings[booking.bookingId] = booking }
        for event in try await db.rows(ContactEvent.self, where: "event_id", in: keys.events) { batch.events[event.eventId] = event }
        for entry in entries { batch.apply(entry) }
        try await Self.delete(db, from: "contacts", key: "customer_id", ids: batch.deletedContacts)
        try await Self.delete(db, from: "contact_bookings", key: "customer_id", ids: batch.deletedContacts)
        try await Self.delete(db, from: "contact_bookings", key: "booking_id", ids: batch.deletedBookings)
        try await Self.delete(db, from: "contact_events", key: "event_id", ids: batch.deletedEvents)
        try await db.upsert(batch.changedContacts.sorted().compactMap { batch.contacts[$0] }, key: "customer_id")
        try await db.upsert(batch.changedBookings.sorted().compactMap { batch.bookings[$0] }, key: "booking_id")
        try await db.upsert(batch.changedEvents.sorted().compactMap { batch.events[$0] }, key: "event_id")
    }

    func reset(in db: any SQLDatabase) async throws {
        for table in ["contacts", "contact_bookings", "contact_events"] {
            try await db.delete(from: table).run()
        }
    }

    static let chunk = 400

    static func delete(_ db: any SQLDatabase, from table: String, key: String, ids: Set<Int64>) async throws {
        let all = Array(ids)
        for start in stride(from: 0, to: all.count, by: chunk) {
            try await db.delete(from: table).where(SQLIdentifier(key), .in, Array(all[start..<min(start + chunk, all.count)])).run()
        }
    }
}
