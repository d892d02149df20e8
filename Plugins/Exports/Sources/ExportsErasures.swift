import CrierPluginKit

/// Follows the journal for erasures only: a staged upload (a CSV uploaded but not imported yet)
/// may hold the erased person's row, and Exports can't tell whose rows it holds without reading
/// it, so every pending upload of that venue is discarded; whoever was importing uploads again.
struct ExportsErasures: JournalProjection {
    let name = "erasures"

    func apply(_ entries: [JournalEntry], in db: any SQLDatabase, services: PluginServices) async throws {
        let venues = Set(entries.compactMap { entry -> Int64? in
            if case .customerErased = entry.event { return entry.venueId } else { return nil }
        })
        guard !venues.isEmpty else { return }
        let ids = try await db.select().column("id").from("export_uploads").where("venue_id", .in, Array(venues)).all()
            .map { try $0.decode(column: "id", as: Int64.self) }
        try await db.delete(from: "export_upload_chunks", where: "upload_id", in: ids)
        try await db.delete(from: "export_uploads", where: "venue_id", in: venues)
    }

    /// Nothing here is built from the journal.
    func reset(in db: any SQLDatabase) async throws {}
}
