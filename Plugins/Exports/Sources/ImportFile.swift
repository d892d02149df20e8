import CrierPluginKit
import Foundation

/// What one streaming pass over an import file found: its header, its first rows (for the
/// mapping page), how many data rows and bytes it has.
struct CheckedCSV: Sendable, Equatable {
    var header: [String]
    var preview: [CSVReader.Record]
    var rows: Int
    var bytes: Int
}

/// Import files read a chunk at a time: checked in one pass (size, NUL bytes, UTF-8, CSV, a header
/// and at least one row) and read back as records on demand, so a file of any size costs one
/// chunk and one record of memory, not the file.
enum ImportFile {
    /// How many data rows the mapping page shows.
    static let previewRows = 5

    /// Checks the file as its `chunks` stream past, handing each chunk to `keep` (to store it);
    /// a 422 on `file` saying what is wrong.
    static func check<Chunks: AsyncSequence>(
        _ chunks: Chunks, maxBytes: Int, keep: (([UInt8]) async throws -> Void)? = nil
    ) async throws -> CheckedCSV where Chunks.Element == [UInt8] {
        func refuse(_ message: String) -> CrierError { CrierError.invalid(FieldErrors("file", message)) }
        var stream = CSVStream()
        var checked = CheckedCSV(header: [], preview: [], rows: 0, bytes: 0)
        var first = true
        func take(_ records: [CSVReader.Record]) {
            for record in records {
                if first {
                    checked.header = record.fields
                    first = false
                } else {
                    if checked.preview.count < previewRows { checked.preview.append(record) }
                    checked.rows += 1
                }
            }
        }
        for try await chunk in chunks {
            checked.bytes += chunk.count
            if checked.bytes > maxBytes { throw refuse("is over the \(ImportUploads.size(maxBytes)) limit for one import") }
            if chunk.contains(0) { throw refuse("is not a CSV file (it contains NUL bytes)") }
            do { take(try stream.feed(chunk)) } catch { throw refuse("cannot be read as CSV: \(error)") }
            try await keep?(chunk)
        }
        if checked.bytes == 0 { throw refuse("is empty: choose a CSV file") }
        do { take(try stream.finish()) } catch { throw refuse("cannot be read as CSV: \(error)") }
        guard checked.rows >= 1 else { throw refuse("has no rows under its header line") }
        return checked
    }

    /// The records of a file whose `chunks` are read as the records are asked for.
    struct Records<Chunks: AsyncSequence & Sendable>: AsyncSequence, Sendable where Chunks.Element == [UInt8] {
        let chunks: Chunks

        struct AsyncIterator: AsyncIteratorProtocol {
            var chunks: Chunks.AsyncIterator
            var stream = CSVStream()
            var ready: [CSVReader.Record] = []
            var ended = false

            mutating func next() async throws -> CSVReader.Record? {
                while ready.isEmpty {
                    if ended { return nil }
                    if let chunk = try await chunks.next() {
                        ready = try stream.feed(chunk).reversed()
                    } else {
                        ended = true
                        ready = try stream.finish().reversed()
                    }
                }
                return ready.popLast()
            }
        }

        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(chunks: chunks.makeAsyncIterator()) }
    }

    /// The file's data rows as customers to import, through `mapping` (the header and blank rows left out).
    struct Rows<Chunks: AsyncSequence & Sendable>: AsyncSequence, Sendable where Chunks.Element == [UInt8] {
        let records: Records<Chunks>
        let mapping: ImportMapping

        init(_ chunks: Chunks, mapping: ImportMapping) {
            records = Records(chunks: chunks)
            self.mapping = mapping
        }

        struct AsyncIterator: AsyncIteratorProtocol {
            var records: Records<Chunks>.AsyncIterator
            let mapping: ImportMapping
            var header = true

            mutating func next() async throws -> CustomerImportRow? {
                while let record = try await records.next() {
                    if header {
                        header = false
                        continue
                    }
                    if let row = mapping.row(record) { return row }
                }
                return nil
            }
        }

        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(records: records.makeAsyncIterator(), mapping: mapping) }
    }
}
