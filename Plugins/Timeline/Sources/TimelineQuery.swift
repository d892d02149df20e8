import CrierPluginKit
import Foundation

/// What a timeline is asked for: one customer, some kinds, a date range in the venue's zone.
struct TimelineFilter: Sendable, Equatable {
    var venueId: Int64
    var customerId: Int64
    var groups: Set<TimelineGroup> = Set(TimelineGroup.allCases)
    /// From this instant (milliseconds), inclusive.
    var from: Int64?
    /// Before this instant (milliseconds): the end of the `to` day.
    var until: Int64?

    /// Reads `?kind=bookings,notes&from=YYYY-MM-DD&to=YYYY-MM-DD`; every bad value is a 422 naming its parameter.
    static func read(_ query: [String: String], venueId: Int64, customerId: Int64, zone: TimeZone) throws -> TimelineFilter {
        var errors = FieldErrors()
        var filter = TimelineFilter(venueId: venueId, customerId: customerId)
        if let text = query["kind"], !text.isEmpty {
            let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let groups = names.compactMap(TimelineGroup.init(rawValue:))
            if groups.count == names.count { filter.groups = Set(groups) } else {
                errors.add("kind", "must be one or more of " + TimelineGroup.allCases.map(\.rawValue).joined(separator: ", "))
            }
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        for name in ["from", "to"] {
            guard let text = query[name], !text.isEmpty else { continue }
            guard let day = EventTime.dateInput(text, in: zone) else {
                errors.add(name, "must be a date as YYYY-MM-DD")
                continue
            }
            if name == "from" { filter.from = Self.millis(day) } else {
                filter.until = calendar.date(byAdding: .day, value: 1, to: day).map(Self.millis)
            }
        }
        if let from = filter.from, let until = filter.until, until <= from { errors.add("to", "must not be before from") }
        if !errors.isEmpty { throw CrierError.invalid(errors) }
        return filter
    }

    static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
}

/// One row of a timeline page: an item the journal made, or a staff note.
struct TimelineRow: Sendable, Equatable {
    var item: TimelineItem?
    var note: TimelineNote?
    var at: Int64 { item?.at ?? note!.createdAt }
}

/// Timeline pages, newest first: items and notes merged by time, keyset by (time, source, id),
/// so a page never repeats or skips a row however many arrive meanwhile.
enum TimelineList {
    static func page(_ db: any SQLDatabase, _ filter: TimelineFilter, cursor: String?, limit: Int) async throws -> (rows: [TimelineRow], next: String?) {
        let kinds = filter.groups.flatMap(\.itemKinds).map { SQLQueryString("\(bind: $0.rawValue)") }
        var parts: [SQLQueryString] = []
        if !kinds.isEmpty {
            var items = SQLQueryString("""
                SELECT 'i' AS src, entry_id AS id, at FROM timeline_items
                WHERE customer_id = \(bind: filter.customerId) AND venue_id = \(bind: filter.venueId) AND kind IN (\(kinds.joined(separator: ", ")))
                """)
            range(&items, "at", filter)
            parts.append(items)
        }
        if filter.groups.contains(.notes) {
            var notes = SQLQueryString("""
                SELECT 'n' AS src, id, created_at AS at FROM timeline_notes
                WHERE customer_id = \(bind: filter.customerId) AND venue_id = \(bind: filter.venueId)
                """)
            range(&notes, "created_at", filter)
            parts.append(notes)
        }
        guard !parts.isEmpty else { return ([], nil) }
        var sql = SQLQueryString("SELECT src, id, at FROM (") + parts.joined(separator: " UNION ALL ") + ") merged"
        if let cursor {
            let key = try Cursor.decode(cursor, count: 3)
            guard let at = key[0].int64Value, let src = key[1].stringValue, let id = key[2].int64Value else {
                throw CrierError.invalid(FieldErrors("cursor", "is not a cursor this list returned"))
            }
            sql += " WHERE at < \(bind: at) OR (at = \(bind: at) AND (src < \(bind: src) OR (src = \(bind: src) AND id < \(bind: id))))"
        }
        sql += " ORDER BY at DESC, src DESC, id DESC LIMIT \(bind: limit + 1)"
        let keys = try await db.raw(sql).all().map { row in
            (src: try row.decode(column: "src", as: String.self), id: try row.decode(column: "id", as: Int64.self),
             at: try row.decode(column: "at", as: Int64.self))
        }
        let shown = Array(keys.prefix(limit))
        let items = try await load(db, "timeline_items", "entry_id", shown.filter { $0.src == "i" }.map(\.id), as: TimelineItem.self)
        let notes = try await load(db, "timeline_notes", "id", shown.filter { $0.src == "n" }.map(\.id), as: TimelineNote.self)
        let byItem = Dictionary(uniqueKeysWithValues: items.map { ($0.entryId, $0) })
        let byNote = Dictionary(uniqueKeysWithValues: notes.map { ($0.id, $0) })
        let rows = shown.compactMap { key -> TimelineRow? in
            key.src == "i" ? byItem[key.id].map { TimelineRow(item: $0) } : byNote[key.id].map { TimelineRow(note: $0) }
        }
        guard keys.count > limit, let last = shown.last else { return (rows, nil) }
        return (rows, Cursor.encode([.number(Double(last.at)), .string(last.src), .number(Double(last.id))]))
    }

    static func range(_ sql: inout SQLQueryString, _ column: String, _ filter: TimelineFilter) {
        if let from = filter.from { sql += " AND \(ident: column) >= \(bind: from)" }
        if let until = filter.until { sql += " AND \(ident: column) < \(bind: until)" }
    }

    static func load<T: Decodable>(_ db: any SQLDatabase, _ table: String, _ key: String, _ ids: [Int64], as: T.Type) async throws -> [T] {
        guard !ids.isEmpty else { return [] }
        return try await db.select().column("*").from(table).where(SQLIdentifier(key), .in, ids)
            .all(decoding: T.self, keyDecodingStrategy: .convertFromSnakeCase)
    }
}
