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
        try await db.delete(from: "contacts", where: "customer_id", in: batch.deletedContacts)
        try await db.delete(from: "contact_bookings", where: "customer_id", in: batch.deletedContacts)
        try await db.delete(from: "contact_bookings", where: "booking_id", in: batch.deletedBookings)
        try await db.delete(from: "contact_events", where: "event_id", in: batch.deletedEvents)
        let rewritten = batch.changedContacts.intersection(batch.rewrittenContacts)
        try await db.upsert(rewritten.sorted().compactMap { batch.contacts[$0] }, key: "customer_id")
        try await Self.updateTexts(db, batch.changedContacts.subtracting(rewritten).sorted().compactMap { batch.contacts[$0] })
        try await db.upsert(batch.changedBookings.sorted().compactMap { batch.bookings[$0] }, key: "booking_id")
        try await db.upsert(batch.changedEvents.sorted().compactMap { batch.events[$0] }, key: "event_id")
    }

    func reset(in db: any SQLDatabase) async throws {
        for table in ["contacts", "contact_bookings", "contact_events"] {
            try await db.delete(from: table).run()
        }
    }

    /// Writes back only the text counts and times (most of a busy batch: replies), so the rows'
    /// other columns and the indexes on them are left alone.
    static func updateTexts(_ db: any SQLDatabase, _ contacts: [Contact]) async throws {
        for start in stride(from: 0, to: contacts.count, by: 100) {
            var rows: [SQLQueryString] = []
            for c in contacts[start..<min(start + 100, contacts.count)] {
                rows.append("""
                    (CAST(\(bind: c.customerId) AS BIGINT), CAST(\(bind: c.messagesIn) AS INTEGER), CAST(\(bind: c.messagesOut) AS INTEGER),
                     CAST(\(bind: c.firstAt) AS BIGINT), CAST(\(bind: c.lastAt) AS BIGINT), CAST(\(bind: c.lastReplyAt) AS BIGINT),
                     CAST(\(bind: c.lastReplyId) AS BIGINT))
                    """)
            }
            try await db.raw("""
                WITH v (customer_id, messages_in, messages_out, first_at, last_at, last_reply_at, last_reply_id) AS (VALUES \(rows.joined(separator: ", ")))
                UPDATE contacts SET messages_in = v.messages_in, messages_out = v.messages_out, first_at = v.first_at, last_at = v.last_at,
                    last_reply_at = v.last_reply_at, last_reply_id = v.last_reply_id
                FROM v WHERE contacts.customer_id = v.customer_id
                """).run()
        }
    }
}
