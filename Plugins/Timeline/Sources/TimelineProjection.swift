import CrierPluginKit

/// Builds the timeline from the journal: per batch, loads what the entries refer to, applies
/// them in memory (`TimelineBatch`) and writes the result in the batch's transaction. A rebuild
/// empties the items and event names; staff notes stay.
struct TimelineProjection: JournalProjection {
    let name = "timeline"

    func apply(_ entries: [JournalEntry], in db: any SQLDatabase, services: PluginServices) async throws {
        let keys = TimelineBatch.keys(entries)
        var batch = TimelineBatch()
        for part in Self.chunks(keys.events) {
            for row in try await db.select().columns("event_id", "name").from("timeline_events").where("event_id", .in, part).all() {
                batch.events[try row.decode(column: "event_id", as: Int64.self)] = try row.decode(column: "name", as: String.self)
            }
        }
        for part in Self.chunks(keys.texts) {
            let rows = try await db.select().column("subject_id").from("timeline_items")
                .where("kind", .equal, TimelineItem.Kind.textOut.rawValue).where("subject_id", .in, part).all()
            for row in rows { batch.storedTexts.insert(try row.decode(column: "subject_id", as: Int64.self)) }
        }
        for (venue, ids) in keys.linked {
            for message in try await services.records.messages(venueId: venue, ids: ids) {
                batch.receivedAt[message.id] = TimelineBatch.millis(message.createdAt)
            }
        }
        for entry in entries { batch.apply(entry) }
        try await write(batch, db)
    }

    func write(_ batch: TimelineBatch, _ db: any SQLDatabase) async throws {
        for part in Self.chunks(batch.deletedCustomers) {
            try await db.delete(from: "timeline_items").where("customer_id", .in, part).run()
            try await db.delete(from: "timeline_notes").where("customer_id", .in, part).run()
        }
        for part in Self.chunks(batch.movedReplies) {
            try await db.delete(from: "timeline_items").where("kind", .equal, TimelineItem.Kind.replyIn.rawValue)
                .where("subject_id", .in, part).run()
        }
        // One statement per distinct status, not per text: a backfill moves hundreds per batch.
        for (status, updates) in Dictionary(grouping: batch.statusUpdates, by: { $0.value }) {
            for part in Self.chunks(Set(updates.map(\.key))) {
                try await db.update("timeline_items").set("status", to: status.status).set("error_code", to: status.errorCode)
                    .where("kind", .equal, TimelineItem.Kind.textOut.rawValue).where("subject_id", .in, part).run()
            }
        }
        let items = batch.items.values.sorted { $0.entryId < $1.entryId }
        try await db.insert(items)
        for id in batch.changedEvents.sorted() {
            guard let name = batch.events[id] else { continue }
            try await db.insert(into: "timeline_events").columns("event_id", "name").values(SQLBind(id), SQLBind(name))
                .onConflict(with: ["event_id"]) { $0.set(excludedValueOf: "name") }.run()
        }
    }

    func reset(in db: any SQLDatabase) async throws {
        try await db.delete(from: "timeline_items").run()
        try await db.delete(from: "timeline_events").run()
    }

    static func chunks(_ ids: Set<Int64>, size: Int = 400) -> [[Int64]] {
        let all = ids.sorted()
        return stride(from: 0, to: all.count, by: size).map { Array(all[$0..<min($0 + size, all.count)]) }
    }
}
