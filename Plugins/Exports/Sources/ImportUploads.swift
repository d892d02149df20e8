import CrierPluginKit
import Foundation
import SQLKit

/// A CSV file uploaded for import, kept while staff map and check it.
struct ImportUpload: Codable, Sendable, Equatable {
    var id: Int64
    var venueId: Int64
    var filename: String
    /// The whole file, for uploads staged before files were kept in chunks; empty since.
    var content: String
    var byteCount: Int
    var uploadedBy: String
    var createdAt: Int64
    /// The header, the first rows (JSON) and the number of data rows, found when it was staged.
    var header: String?
    var preview: String?
    var rowCount: Int?
}

/// Staging uploads: checked on the way in (size, UTF-8, CSV, a header and at least one row) in
/// the same streaming pass that stores them in chunks, read back only by their venue a chunk at a
/// time, and purged after `keepFor` by a periodic job.
struct ImportUploads: Sendable {
    let maxBytes: Int
    let keepFor: Duration

    /// How much of a file one stored chunk holds.
    static let chunkBytes = 256 * 1024

    /// Stores `file` (checked as it is read) for the caller's venue.
    func stage(_ file: UploadedFile, caller: PluginCaller, services: PluginServices) async throws -> ImportUpload {
        let now = Int64(services.clock.now().timeIntervalSince1970 * 1000)
        let venue = caller.venueId, by = caller.actor.description, name = file.filename.isEmpty ? "upload.csv" : file.filename
        let limit = maxBytes
        return try await services.database.transaction { db in
            guard let id = try await db.raw("""
                INSERT INTO export_uploads (venue_id, filename, content, byte_count, uploaded_by, created_at)
                VALUES (\(bind: venue), \(bind: name), '', 0, \(bind: by), \(bind: now)) RETURNING id
                """).first()?.decode(column: "id", as: Int64.self) else { throw CrierError.notFound("upload") }
            var seq = 0
            let checked = try await ImportFile.check(file.chunks(size: Self.chunkBytes), maxBytes: limit) { chunk in
                try await db.raw("""
                    INSERT INTO export_upload_chunks (upload_id, seq, content) VALUES (\(bind: id), \(bind: seq), \(bind: Data(chunk).base64EncodedString()))
                    """).run()
                seq += 1
            }
            let header = String(decoding: try JSONEncoder().encode(checked.header), as: UTF8.self)
            let preview = String(decoding: try JSONEncoder().encode(checked.preview.map(PreviewRow.init)), as: UTF8.self)
            try await db.raw("""
                UPDATE export_uploads SET byte_count = \(bind: checked.bytes), header = \(bind: header), preview = \(bind: preview),
                    row_count = \(bind: checked.rows)
                WHERE id = \(bind: id)
                """).run()
            return ImportUpload(id: id, venueId: venue, filename: name, content: "", byteCount: checked.bytes, uploadedBy: by, createdAt: now,
                                header: header, preview: preview, rowCount: checked.rows)
        }
    }

    /// The venue's upload, or a 404 (another venue's, purged, or already imported).
    func get(_ id: Int64, venueId: Int64, services: PluginServices) async throws -> ImportUpload {
        let found = try await services.database.read { db in
            try await db.select().columns("id", "venue_id", "filename", "content", "byte_count", "uploaded_by", "created_at", "header", "preview",
                                          "row_count")
                .from("export_uploads").where("id", .equal, id).where("venue_id", .equal, venueId)
                .first(decoding: ImportUpload.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
        guard let found else { throw CrierError.notFound("upload") }
        return found
    }

    /// What the mapping page shows: the header, the first rows and how many rows there are.
    func summary(_ upload: ImportUpload, services: PluginServices) async throws -> CheckedCSV {
        if let header = upload.header, let preview = upload.preview, let rows = upload.rowCount {
            return CheckedCSV(
                header: try JSONDecoder().decode([String].self, from: Data(header.utf8)),
                preview: try JSONDecoder().decode([PreviewRow].self, from: Data(preview.utf8)).map(\.record), rows: rows, bytes: upload.byteCount)
        }
        return try await ImportFile.check(chunks(upload, services: services), maxBytes: .max)
    }

    /// The upload's bytes, a stored chunk at a time (or its content whole, for an upload from before chunks).
    func chunks(_ upload: ImportUpload, services: PluginServices) -> UploadChunks {
        UploadChunks(uploadId: upload.id, legacy: upload.content.isEmpty ? nil : Array(upload.content.utf8), database: services.database)
    }

    func discard(_ id: Int64, venueId: Int64, services: PluginServices) async throws {
        try await services.database.transaction { db in
            let gone = try await db.raw("DELETE FROM export_uploads WHERE id = \(bind: id) AND venue_id = \(bind: venueId) RETURNING id").all()
            if !gone.isEmpty { try await db.delete(from: "export_upload_chunks").where("upload_id", .equal, id).run() }
        }
    }

    /// Deletes uploads older than `keepFor`; returns how many.
    func purge(_ services: PluginServices) async throws -> Int {
        let cutoff = Int64((services.clock.now().timeIntervalSince1970 - Double(keepFor.components.seconds)) * 1000)
        return try await services.database.transaction { db in
            let ids = try await db.raw("DELETE FROM export_uploads WHERE created_at < \(bind: cutoff) RETURNING id").all()
                .map { try $0.decode(column: "id", as: Int64.self) }
            try await db.delete(from: "export_upload_chunks", where: "upload_id", in: Set(ids))
            return ids.count
        }
    }

    static func size(_ bytes: Int) -> String {
        if bytes >= 1_048_576 { return String(format: "%.1f MB", Double(bytes) / 1_048_576) }
        return bytes >= 1024 ? String(format: "%.0f KB", (Double(bytes) / 1024).rounded(.up)) : "\(bytes) bytes"
    }
}

/// A preview row as stored with its upload.
struct PreviewRow: Codable, Sendable {
    var line: Int
    var fields: [String]
    init(_ record: CSVReader.Record) {
        line = record.line
        fields = record.fields
    }
    var record: CSVReader.Record { CSVReader.Record(line: line, fields: fields) }
}

/// A staged upload's stored chunks in order, each read from the database when asked for.
struct UploadChunks: AsyncSequence, Sendable {
    let uploadId: Int64
    let legacy: [UInt8]?
    let database: any PluginDatabase

    struct AsyncIterator: AsyncIteratorProtocol {
        let owner: UploadChunks
        var seq = 0
        var legacyDone = false

        mutating func next() async throws -> [UInt8]? {
            if let legacy = owner.legacy {
                defer { legacyDone = true }
                return legacyDone ? nil : legacy
            }
            let (id, at) = (owner.uploadId, seq)
            seq += 1
            let text = try await owner.database.read { db in
                try await db.raw("SELECT content FROM export_upload_chunks WHERE upload_id = \(bind: id) AND seq = \(bind: at)").first()?
                    .decode(column: "content", as: String.self)
            }
            return text.flatMap { Data(base64Encoded: $0) }.map(Array.init)
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(owner: self) }
}
