import SQLKit

/// A row of a plugin's table, read and written column by column. SQLKit's Codable row mapping
/// converts every key's case on every row, which was most of a projection's time under load;
/// naming the columns once keeps a batch's reads and writes to the statements themselves.
public protocol TableRow: Sendable {
    static var table: String { get }
    /// Every column, in the order `values` gives them.
    static var columns: [String] { get }
    init(row: any SQLRow) throws
    var values: [any Encodable & Sendable] { get }
}

extension SQLDatabase {
    /// The rows whose `key` column is one of `ids`, a few hundred ids per statement.
    public func rows<T: TableRow>(_ type: T.Type, where key: String, in ids: some Collection<Int64>) async throws -> [T] {
        var rows: [T] = []
        let all = Array(ids)
        for start in stride(from: 0, to: all.count, by: 400) {
            let part = all[start..<min(start + 400, all.count)]
            rows += try await raw("""
                SELECT \(unsafeRaw: T.columns.joined(separator: ", ")) FROM \(unsafeRaw: T.table)
                WHERE \(unsafeRaw: key) IN (\(binds: Array(part)))
                """).all().map { try T(row: $0) }
        }
        return rows
    }

    /// Deletes the rows of `table` whose `key` column is one of `ids`, a few hundred ids per statement.
    public func delete(from table: String, where key: String, in ids: some Collection<Int64>) async throws {
        let all = Array(ids)
        for start in stride(from: 0, to: all.count, by: 400) {
            try await raw("""
                DELETE FROM \(unsafeRaw: table) WHERE \(unsafeRaw: key) IN (\(binds: Array(all[start..<min(start + 400, all.count)])))
                """).run()
        }
    }

    /// Inserts `rows`, or replaces those whose `key` is already there, 100 rows per statement.
    public func upsert<T: TableRow>(_ rows: [T], key: String) async throws {
        let updates = T.columns.filter { $0 != key }.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        try await insert(rows, suffix: " ON CONFLICT (\(key)) DO UPDATE SET \(updates)")
    }

    /// Inserts `rows`, 100 per statement.
    public func insert<T: TableRow>(_ rows: [T], suffix: String = "") async throws {
        for start in stride(from: 0, to: rows.count, by: 100) {
            var sql = SQLQueryString("INSERT INTO \(unsafeRaw: T.table) (\(unsafeRaw: T.columns.joined(separator: ", "))) VALUES ")
            for (n, row) in rows[start..<min(start + 100, rows.count)].enumerated() {
                if n > 0 { sql += ", " }
                sql += "(\(binds: row.values))"
            }
            sql.appendLiteral(suffix)
            try await raw(sql).run()
        }
    }
}
