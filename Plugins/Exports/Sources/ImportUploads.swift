import CrierPluginKit
import Foundation

/// A CSV file uploaded for import, kept while staff map and check it.
struct ImportUpload: Codable, Sendable, Equatable {
    var id: Int64
    var venueId: Int64
    var filename: String
    var content: String
    var byteCount: Int
    var uploadedBy: String
    var createdAt: Int64

    /// The file's records; it was checked when uploaded, so a failure here is ours.
    var records: [CSVReader.Record] { (try? CSVReader.records(Array(content.utf8))) ?? [] }
}

/// Staging uploads: checked on the way in (size, UTF-8, CSV, a header and at least one row),
/// read back only by their venue, and purged after `keepFor` by a periodic job.
struct ImportUploads: Sendable {
    let maxBytes: Int
    let keepFor: Duration

    /// Checks `bytes` as an import file; a 422 on `file` saying what is wrong.
    func check(_ bytes: [UInt8]) throws -> (content: String, records: [CSVReader.Record]) {
        func refuse(_ message: String) -> CrierError { CrierError.invalid(FieldErrors("file", message)) }
        if bytes.isEmpty { throw refuse("is empty: choose a CSV file") }
        if bytes.count > maxBytes { throw refuse("is \(Self.size(bytes.count)), over the \(Self.size(maxBytes)) limit for one import") }
        if bytes.contains(0) { throw refuse("is not a CSV file (it contains NUL bytes)") }
        let records: [CSVReader.Record]
        do { records = try CSVReader.records(bytes) } catch { throw refuse("cannot be read as CSV: \(error)") }
        guard records.count >= 2 else { throw refuse("has no rows under its header line") }
        return (String(decoding: bytes, as: UTF8.self), records)
    }

    func stage(_ bytes: [UInt8], filename: String, caller: PluginCaller, services: PluginServices) async throws -> ImportUpload {
        let (content, _) = try check(bytes)
        let now = Int64(services.clock.now().timeIntervalSince1970 * 1000)
        let venue = caller.venueId, by = caller.actor.description, name = filename.isEmpty ? "upload.csv" : filename
        return try await services.database.transaction { db in
            let row = try await db.raw("""
                INSERT INTO export_uploads (venue_id, filename, content, byte_count, uploaded_by, created_at)
                VALUES (\(bind: venue), \(bind: name), \(bind: content), \(bind: bytes.count), \(bind: by), \(bind: now)) RETURNING id
                """).first()
            guard let id = try row?.decode(column: "id", as: Int64.self) else { throw CrierError.notFound("upload") }
            return ImportUpload(id: id, venueId: venue, filename: name, content: content, byteCount: bytes.count, uploadedBy: by, createdAt: now)
        }
    }

    /// The venue's upload, or a 404 (another venue's, purged, or already imported).
    func get(_ id: Int64, venueId: Int64, services: PluginServices) async throws -> ImportUpload {
        let found = try await services.database.read { db in
            try await db.select().column("*").from("export_uploads").where("id", .equal, id).where("venue_id", .equal, venueId)
                .first(decoding: ImportUpload.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
        guard let found else { throw CrierError.notFound("upload") }
        return found
    }

    func discard(_ id: Int64, venueId: Int64, services: PluginServices) async throws {
        try await services.database.transaction { db in
            try await db.delete(from: "export_uploads").where("id", .equal, id).where("venue_id", .equal, venueId).run()
        }
    }

    /// Deletes uploads older than `keepFor`; returns how many.
    func purge(_ services: PluginServices) async throws -> Int {
        let cutoff = Int64((services.clock.now().timeIntervalSince1970 - Double(keepFor.components.seconds)) * 1000)
        return try await services.database.transaction { db in
            let rows = try await db.raw("DELETE FROM export_uploads WHERE created_at < \(bind: cutoff) RETURNING id").all()
            return rows.count
        }
    }

    static func size(_ bytes: Int) -> String {
        if bytes >= 1_048_576 { return String(format: "%.1f MB", Double(bytes) / 1_048_576) }
        return bytes >= 1024 ? String(format: "%.0f KB", (Double(bytes) / 1024).rounded(.up)) : "\(bytes) bytes"
    }
}
