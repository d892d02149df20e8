import CrierCore
import CrierPluginKit
import CrierStore
import Foundation
import Hummingbird

/// `/settings/audit`: for owners, everything the venue's journal holds, newest first: who changed
/// settings, the provider, templates, API keys and staff, and every record and text; filtered by
/// kind and by person, 100 a page, and the same as CSV (`/settings/audit.csv`).
struct AuditLogPage: Sendable {
    let staff: StaffPages
    var store: Store { staff.store }

    /// The kinds offered in the filter, as groups of the journal's kinds.
    static let groups: [(prefix: String, label: String)] = [
        ("venue.", "Venue settings and provider"), ("staff.", "Staff and invitations"), ("api_key.", "API keys"),
        ("template.", "Templates"), ("customer.", "Customers"), ("consent.", "Consent"), ("event.", "Events"),
        ("booking.", "Bookings"), ("message.", "Texts"),
    ]

    func register(on web: RouterGroup<CrierRequestContext>) {
        web.get("settings/audit") { request, context in
            try requireOwner(context)
            let filter = try await Self.filter(request, venueId: try context.requireVenue().id, store: store)
            let cursor = request.uri.queryParameters.get("cursor").map { String($0) }
            let page = try await store.audit.page(venueId: try context.requireVenue().id, filter: filter, cursor: cursor, limit: 100)
            return try await render(context, filter: filter, page: page)
        }
        web.get("settings/audit.csv") { request, context in
            try requireOwner(context)
            let venue = try context.requireVenue()
            let filter = try await Self.filter(request, venueId: venue.id, store: store)
            let time = RFC3339Writer(zone: venue.timeZone)
            let day = EventTime.rfc3339(store.clock.now(), in: venue.timeZone).prefix(10)
            let bom = request.uri.queryParameters.get("bom") == "1"
            return Download.response(filename: "audit-\(venue.slug)-\(day).csv", contentType: "text/csv; charset=utf-8") { [store] sink in
                var csv = CSVWriter(byteOrderMark: bom)
                try await sink.write(csv.record(["id", "at", "who", "actor", "kind", "subject", "subject_id", "data"]))
                var cursor: String?
                repeat {
                    let page = try await store.audit.page(venueId: venue.id, filter: filter, cursor: cursor, limit: 500)
                    var out: [UInt8] = []
                    for item in page.items {
                        let e = item.entry
                        CSVWriter.append([String(e.id), time.string(e.createdAt), item.who, e.actor, e.event.kind, e.subjectType,
                                          String(e.subjectId), e.dataText], to: &out)
                    }
                    try await sink.write(out)
                    cursor = page.nextCursor
                } while cursor != nil
            }
        }
    }

    /// Only owners read the whole venue's history (managers get 403, as staff do for settings).
    func requireOwner(_ context: CrierRequestContext) throws {
        guard try staff.requireStaff(context).role == .owner else { throw CrierError.forbidden("Only the venue's owners can see its audit log.") }
    }

    /// The filter from `?kind=&who=`; an unknown kind or person is a 422 naming the field.
    static func filter(_ request: Request, venueId: Int64, store: Store) async throws -> AuditFilter {
        let query = request.uri.queryParameters
        let kind = query.get("kind").map { String($0) }.flatMap { $0.isEmpty ? nil : $0 }
        let actor = query.get("who").map { String($0) }.flatMap { $0.isEmpty ? nil : $0 }
        var errors = FieldErrors()
        if let kind, !groups.contains(where: { $0.prefix == kind }), JournalKind(rawValue: kind) == nil {
            errors.add("kind", "must be one of the kinds listed")
        }
        if let actor, !actor.allSatisfy({ $0.isLetter || $0.isNumber || $0 == ":" || $0 == "_" }) { errors.add("who", "is not someone in this log") }
        guard errors.isEmpty else { throw CrierError.invalid(errors) }
        return AuditFilter(kind: kind, actor: actor)
    }

    func render(_ context: CrierRequestContext, filter: AuditFilter, page: Page<AuditEntry>) async throws -> Response {
        let time = try staff.time(context)
        let actors = try await store.audit.actors(venueId: try context.requireVenue().id)
        var query: [(String, String)] = []
        if let kind = filter.kind { query.append(("kind", kind)) }
        if let actor = filter.actor { query.append(("who", actor)) }
        let view = AuditLog(
            tabs: SettingsTabs.values(current: "audit"),
            kinds: Self.groups.map { Choice(value: $0.prefix, label: $0.label, selected: $0.prefix == filter.kind) },
            people: actors.map { Choice(value: $0.actor, label: $0.who, selected: $0.actor == filter.actor) },
            entries: page.items.map { item in
                .init(at: time.dateAndTime(item.entry.createdAt), who: item.who, kind: item.entry.event.kind,
                      subject: "\(item.entry.subjectType) \(item.entry.subjectId)", data: item.entry.dataText)
            },
            hasEntries: !page.items.isEmpty, csv: "/settings/audit.csv" + (query.isEmpty ? "" : "?" + FormBody.encode(query)),
            next: page.nextCursor.map { "/settings/audit?" + FormBody.encode(query + [("cursor", $0)]) })
        return try await staff.render("settings_audit", view, context)
    }
}

/// The audit log with its filters.
struct AuditLog: Encodable {
    struct Entry: Encodable { var at, who, kind, subject, data: String }
    var tabs: [SettingsTabs.Tab]
    var kinds, people: [Choice]
    var entries: [Entry]
    var hasEntries: Bool
    var csv: String
    var next: String?
}
