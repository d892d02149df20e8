import CrierPluginKit
import Foundation

/// What the contact list is asked for: search, sort and filters, over one venue or several.
struct ContactFilter: Sendable, Equatable {
    enum Sort: String, Sendable, CaseIterable {
        case lastInteraction = "last_interaction"
        case bookings
        case name
    }

    var venueIds: [Int64]
    var query: String?
    var sort = Sort.lastInteraction
    /// Only opted out (true), only not (false), or either (nil).
    var optedOut: Bool?
    /// Only with an active booking of an event still to come (true), only without (false), or either.
    var upcoming: Bool?
    /// Only contacts with no activity since this instant (milliseconds).
    var inactiveSince: Int64?
    var now: Int64

    /// Reads `?q=&sort=&opted_out=&upcoming=&inactive_since=YYYY-MM-DD` (a date in `zone`); every bad
    /// value is a 422 naming its parameter.
    static func read(_ query: [String: String], venueIds: [Int64], now: Date, zone: TimeZone) throws -> ContactFilter {
        var errors = FieldErrors()
        var filter = ContactFilter(venueIds: venueIds, now: Int64(now.timeIntervalSince1970 * 1000))
        if let q = query["q"]?.trimmingCharacters(in: .whitespaces), !q.isEmpty { filter.query = q }
        if let text = query["sort"], !text.isEmpty {
            if let sort = Sort(rawValue: text) { filter.sort = sort } else {
                errors.add("sort", "must be one of " + Sort.allCases.map(\.rawValue).joined(separator: ", "))
            }
        }
        filter.optedOut = flag("opted_out", query, &errors)
        filter.upcoming = flag("upcoming", query, &errors)
        if let text = query["inactive_since"], !text.isEmpty {
            if let date = EventTime.dateInput(text, in: zone) {
                filter.inactiveSince = Int64(date.timeIntervalSince1970 * 1000)
            } else {
                errors.add("inactive_since", "must be a date as YYYY-MM-DD")
            }
        }
        if !errors.isEmpty { throw CrierError.invalid(errors) }
        return filter
    }

    static func flag(_ name: String, _ query: [String: String], _ errors: inout FieldErrors) -> Bool? {
        switch query[name] {
        case nil, "", "any": return nil
        case "true", "yes": return true
        case "false", "no": return false
        default:
            errors.add(name, "must be true or false")
            return nil
        }
    }
}

/// The contact list's queries: keyset pages in the chosen order, and the per-contact details
/// (events attended, upcoming bookings) for the rows on a page.
enum ContactList {
    static func page(_ db: any SQLDatabase, _ filter: ContactFilter, cursor: String?, limit: Int) async throws -> (items: [Contact], next: String?) {
        guard !filter.venueIds.isEmpty else { return ([], nil) }
        let venues = filter.venueIds.map { SQLQueryString("\(bind: $0)") }.joined(separator: ", ")
        var sql = SQLQueryString("SELECT * FROM contacts WHERE venue_id IN (\(venues))")
        if let q = filter.query {
            let folded = CustomerFields.fold(q)
            let digits = q.filter(\.isNumber)
            sql += " AND (search LIKE \(bind: "%" + escape(folded) + "%") ESCAPE '\\'"
            if digits.count >= 3 { sql += " OR mobile LIKE \(bind: "%" + digits + "%")" }
            sql += ")"
        }
        if let optedOut = filter.optedOut { sql += " AND opted_out = \(bind: optedOut)" }
        if let upcoming = filter.upcoming {
            sql += """
                 AND \(unsafeRaw: upcoming ? "" : "NOT ")EXISTS (SELECT 1 FROM contact_bookings b JOIN contact_events e ON e.event_id = b.event_id
                 WHERE b.customer_id = contacts.customer_id AND b.active = \(bind: true) AND e.cancelled = \(bind: false)
                 AND e.starts_at > \(bind: filter.now))
                """
        }
        if let since = filter.inactiveSince { sql += " AND last_at < \(bind: since)" }
        let (column, descending) = order(filter.sort)
        if let cursor {
            let key = try Cursor.decode(cursor, count: 2)
            guard let id = key[1].int64Value else { throw CrierError.invalid(FieldErrors("cursor", "is not a cursor this list returned")) }
            let op = descending ? "<" : ">"
            switch key[0] {
            case .string(let s):
                sql += " AND (\(unsafeRaw: column) \(unsafeRaw: op) \(bind: s) OR (\(unsafeRaw: column) = \(bind: s) AND customer_id \(unsafeRaw: op) \(bind: id)))"
            default:
                guard let n = key[0].int64Value else { throw CrierError.invalid(FieldErrors("cursor", "is not a cursor this list returned")) }
                sql += " AND (\(unsafeRaw: column) \(unsafeRaw: op) \(bind: n) OR (\(unsafeRaw: column) = \(bind: n) AND customer_id \(unsafeRaw: op) \(bind: id)))"
            }
        }
        let direction = descending ? "DESC" : "ASC"
        sql += " ORDER BY \(unsafeRaw: column) \(unsafeRaw: direction), customer_id \(unsafeRaw: direction) LIMIT \(bind: limit + 1)"
        let rows = try await db.raw(sql).all(decoding: Contact.self, keyDecodingStrategy: .convertFromSnakeCase)
        let items = Array(rows.prefix(limit))
        guard rows.count > limit, let last = items.last else { return (items, nil) }
        let key: JSONValue
        switch filter.sort {
        case .lastInteraction: key = .number(Double(last.lastAt))
        case .bookings: key = .number(Double(last.bookings))
        case .name: key = .string(last.sortName)
        }
        return (items, Cursor.encode([key, .number(Double(last.customerId))]))
    }

    /// The venue's contact for one customer, if the projection has one yet.
    static func one(_ db: any SQLDatabase, customerId: Int64, venueId: Int64) async throws -> Contact? {
        try await db.select().column("*").from("contacts").where("customer_id", .equal, customerId).where("venue_id", .equal, venueId)
            .first(decoding: Contact.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    static func order(_ sort: ContactFilter.Sort) -> (column: String, descending: Bool) {
        switch sort {
        case .lastInteraction: return ("last_at", true)
        case .bookings: return ("bookings", true)
        case .name: return ("sort_name", false)
        }
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }

    /// For each contact: names of events they attended (active booking, event started, not
    /// cancelled), latest first, and how many active bookings they hold for events to come.
    static func details(_ db: any SQLDatabase, customerIds: [Int64], now: Int64) async throws -> [Int64: (attended: [String], upcoming: Int)] {
        guard !customerIds.isEmpty else { return [:] }
        let ids = customerIds.map { SQLQueryString("\(bind: $0)") }.joined(separator: ", ")
        let rows = try await db.raw("""
            SELECT b.customer_id, e.name, e.starts_at FROM contact_bookings b JOIN contact_events e ON e.event_id = b.event_id
            WHERE b.customer_id IN (\(ids)) AND b.active = \(bind: true) AND e.cancelled = \(bind: false)
            ORDER BY e.starts_at DESC
            """).all()
        var out: [Int64: (attended: [String], upcoming: Int)] = [:]
        for row in rows {
            let customer = try row.decode(column: "customer_id", as: Int64.self)
            var entry = out[customer] ?? ([], 0)
            if try row.decode(column: "starts_at", as: Int64.self) > now { entry.upcoming += 1 } else {
                let name = try row.decode(column: "name", as: String.self)
                if !entry.attended.contains(name) { entry.attended.append(name) }
            }
            out[customer] = entry
        }
        return out
    }
}
