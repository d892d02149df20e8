import CrierPluginKit
import Foundation

/// The staff pages: a customer's timeline grouped by day (`/plugins/timeline/customers/{id}`),
/// with filters, notes and the CSV export, and the latest few rows as a panel on the customer's page.
struct TimelinePages: Sendable {
    let templates: PluginTemplates
    static let pageSize = 50
    static let panelSize = 5

    func show(_ request: PluginRequest) async throws -> PluginResponse {
        try await render(request, problem: nil)
    }

    func export(_ request: PluginRequest) async throws -> PluginResponse {
        try await TimelineAPI.export(request)
    }

    func addNote(_ request: PluginRequest) async throws -> PluginResponse {
        let id = try request.id("customer_id", of: "customer")
        do {
            _ = try await TimelineNotes.add(customerId: id, body: request.form["body"], caller: request.caller, services: request.services)
        } catch CrierError.invalid(let errors) {
            return try await render(request, problem: (errors.fields["body"] ?? "is not valid", request.form["body"] ?? ""))
        }
        return .redirect("/plugins/timeline/customers/\(id)")
    }

    func editNote(_ request: PluginRequest) async throws -> PluginResponse {
        let note = try await TimelineNotes.edit(
            id: try request.id("id", of: "note"), body: request.form["body"], caller: request.caller, services: request.services)
        return .redirect("/plugins/timeline/customers/\(note.customerId)#note-\(note.id)")
    }

    func deleteNote(_ request: PluginRequest) async throws -> PluginResponse {
        let customer = try await TimelineNotes.delete(id: try request.id("id", of: "note"), caller: request.caller, services: request.services)
        return .redirect("/plugins/timeline/customers/\(customer)")
    }

    /// The page; `problem` is a refused note (its message and the words typed, kept for another try).
    func render(_ request: PluginRequest, problem: (message: String, body: String)?) async throws -> PluginResponse {
        let services = request.services, caller = request.caller
        let customer = try await TimelineNotes.requireCustomer(try request.id("customer_id", of: "customer"), caller, services)
        let zone = try await services.records.timeZone(venueId: caller.venueId)
        let title = "Timeline: \(customer.firstName) \(customer.lastName)"
        var view = TimelinePage(
            customerId: customer.id, name: "\(customer.firstName) \(customer.lastName)", csrfToken: caller.csrfToken ?? "",
            from: request.query["from"] ?? "", to: request.query["to"] ?? "",
            kinds: [.init(value: "", label: "Everything", selected: (request.query["kind"] ?? "").isEmpty)]
                + TimelineGroup.allCases.map { .init(value: $0.rawValue, label: $0.label, selected: request.query["kind"] == $0.rawValue) },
            noteError: problem?.message, noteBody: problem?.body ?? "", canDownload: caller.canDownload, zone: zone.identifier)
        let filter: TimelineFilter
        do {
            filter = try TimelineFilter.read(request.query, venueId: caller.venueId, customerId: customer.id, zone: zone)
        } catch CrierError.invalid(let errors) {
            view.errors = errors.fields.sorted { $0.key < $1.key }.map { .init(field: $0.key, message: $0.value) }
            return .page(title: title, html: templates.render("timeline", view), status: 422)
        }
        let page = try await services.database.read { db in
            try await TimelineList.page(db, filter, cursor: request.query["cursor"], limit: Self.pageSize)
        }
        let views = try await TimelineView.make(page.rows, venueId: caller.venueId, services: services)
        view.days = Self.days(views, zone: zone, caller: caller)
        view.none = views.isEmpty
        var query = request.query
        query["cursor"] = nil
        let base = "/plugins/timeline/customers/\(customer.id)"
        view.export = base + "/export?" + FormBody.encode(Self.sorted(query))
        query["bom"] = "1"
        view.exportExcel = base + "/export?" + FormBody.encode(Self.sorted(query))
        query["bom"] = nil
        if let next = page.next {
            query["cursor"] = next
            view.next = base + "?" + FormBody.encode(Self.sorted(query))
        }
        return .page(title: title, html: templates.render("timeline", view), status: problem == nil ? 200 : 422)
    }

    func panel(customerId: Int64, caller: PluginCaller, services: PluginServices) async throws -> String {
        let filter = TimelineFilter(venueId: caller.venueId, customerId: customerId)
        let page = try await services.database.read { db in try await TimelineList.page(db, filter, cursor: nil, limit: Self.panelSize) }
        let zone = try await services.records.timeZone(venueId: caller.venueId)
        let time = TimelineTime(zone: zone)
        let rows = try await TimelineView.make(page.rows, venueId: caller.venueId, services: services).map { view in
            TimelinePanel.Row(when: time.dayAndTime(view.row.at), what: view.what, body: view.body, status: view.row.item?.status)
        }
        return templates.render("timeline_panel", TimelinePanel(rows: rows, none: rows.isEmpty, link: "/plugins/timeline/customers/\(customerId)"))
    }

    /// Rows under a heading per day in the venue's zone, newest day first (the rows' own order).
    static func days(_ views: [TimelineView], zone: TimeZone, caller: PluginCaller) -> [TimelinePage.Day] {
        let time = TimelineTime(zone: zone)
        var days: [TimelinePage.Day] = []
        var current = "", rows: [TimelinePage.Row] = []
        for view in views {
            let day = time.day(view.row.at)
            if day != current, !rows.isEmpty {
                days.append(.init(day: current, rows: rows))
                rows = []
            }
            current = day
            // A note has no delivery status: its row says so (nil), rather than leaving the name out.
            rows.append(TimelinePage.Row(
                time: time.time(view.row.at), what: view.what, body: view.body, group: view.group.rawValue,
                status: view.row.item?.status, errorCode: view.row.item?.errorCode,
                note: view.row.note.map { note in
                    .init(id: note.id, body: note.body, mayChange: TimelineNotes.mayChange(note, caller),
                          edited: note.updatedAt != note.createdAt || note.editedBy != nil, editedBy: note.editedBy, csrfToken: caller.csrfToken ?? "")
                }))
        }
        if !rows.isEmpty { days.append(.init(day: current, rows: rows)) }
        return days
    }

    static func sorted(_ query: [String: String]) -> [(String, String)] {
        query.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}

/// Instants as the timeline shows them, in the venue's zone: a heading per day, a time per row.
struct TimelineTime {
    let day: StaffTime
    let time: StaffTime

    init(zone: TimeZone) {
        day = StaffTime(zone: zone, format: "EEEE d MMMM yyyy")
        time = StaffTime(zone: zone, format: "HH:mm")
    }

    func day(_ millis: Int64) -> String { day.text(millis: millis) }
    func time(_ millis: Int64) -> String { time.text(millis: millis) }
    func dayAndTime(_ millis: Int64) -> String { day(millis) + ", " + time(millis) }
}
