import CrierPluginKit
import Foundation

/// The staff pages, for owners and managers: downloads (`/plugins/exports`) and the customer
/// import (upload, map the columns, check, import).
struct ExportsPages: Sendable {
    let templates: PluginTemplates
    let uploads: ImportUploads

    func overview(_ request: PluginRequest) async throws -> PluginResponse {
        try await overview(request, problem: nil)
    }

    /// The page; `problem` is a refused upload's message (status 422).
    func overview(_ request: PluginRequest, problem: String?) async throws -> PluginResponse {
        let services = request.services, caller = request.caller
        guard let venue = try await services.records.venues(ids: [caller.venueId]).first else { throw CrierError.notFound("venue") }
        let time = StaffTime(zone: venue.timeZone)
        var events: [Event] = []
        var after: Int64 = 0
        while true {
            let page = try await services.records.events(venueId: venue.id, after: after, limit: 500)
            events += page
            guard page.count == 500, let last = page.last else { break }
            after = last.id
        }
        let venueId = venue.id
        let staged = try await services.database.read { db in
            try await db.select().columns("id", "filename", "byte_count", "created_at").from("export_uploads")
                .where("venue_id", .equal, venueId).orderBy("id", .descending).all()
        }
        let csrf = caller.csrfToken ?? ""
        let choices = events.sorted { $0.startsAt > $1.startsAt }.map { ExportsOverview.EventChoice(id: $0.id, label: "\($0.name), \(time.text($0.startsAt))") }
        let view = ExportsOverview(
            csrfToken: csrf, maxSize: ImportUploads.size(uploads.maxBytes), problem: problem,
            kinds: ExportKind.allCases.map { kind in
                .init(kind: kind.rawValue, title: kind.title, bookings: kind == .bookings, events: kind == .bookings ? choices : [])
            },
            contacts: services.loadedPlugins.contains("contacts"),
            staged: try staged.map { row in
                .init(id: try row.decode(column: "id", as: Int64.self), filename: try row.decode(column: "filename", as: String.self),
                      size: ImportUploads.size(try row.decode(column: "byte_count", as: Int.self)),
                      when: time.text(Date(timeIntervalSince1970: Double(try row.decode(column: "created_at", as: Int64.self)) / 1000)),
                      csrfToken: csrf)
            },
            hasStaged: !staged.isEmpty)
        return .page(title: "Exports and import", html: templates.render("exports", view), status: problem == nil ? 200 : 422)
    }

    func download(_ request: PluginRequest) async throws -> PluginResponse {
        try await ExportDownload.read(kind: request.parameters["kind"], query: request.query, caller: request.caller, services: request.services)
            .response(request.services)
    }

    func upload(_ request: PluginRequest) async throws -> PluginResponse {
        guard let file = request.files["file"] else { return try await overview(request, problem: "Choose a CSV file to upload.") }
        do {
            let staged = try await uploads.stage(file, caller: request.caller, services: request.services)
            return .redirect("/plugins/exports/imports/\(staged.id)")
        } catch CrierError.invalid(let errors) {
            return try await overview(request, problem: "The file \(errors.fields["file"] ?? "cannot be used").")
        }
    }

    func mapping(_ request: PluginRequest) async throws -> PluginResponse {
        let upload = try await uploads.get(try request.id("id", of: "upload"), venueId: request.caller.venueId, services: request.services)
        let file = try await uploads.summary(upload, services: request.services)
        let page = render(upload, file: file, mapping: ImportMapping.guess(file.header), skip: false, caller: request.caller)
        return .page(title: "Import customers", html: templates.render("import", page))
    }

    /// "Check" is a dry run; "Import" writes, all or nothing or skipping bad rows as chosen.
    func run(_ request: PluginRequest) async throws -> PluginResponse {
        let caller = request.caller, services = request.services
        let upload = try await uploads.get(try request.id("id", of: "upload"), venueId: caller.venueId, services: services)
        let form = request.form
        let file = try await uploads.summary(upload, services: services)
        let header = file.header
        let skip = form["mode"] == "skip"
        let mapping: ImportMapping
        do {
            mapping = try ImportMapping.read(form, header: header)
        } catch CrierError.invalid(let errors) {
            var page = render(upload, file: file, mapping: ImportMapping.guess(header), skip: skip, caller: caller, choices: form)
            page.errors = errors.fields.sorted { $0.key < $1.key }.map { .init(field: $0.key, message: $0.value) }
            return .page(title: "Import customers", html: templates.render("import", page), status: 422)
        }
        let dryRun = form["action"] != "import"
        let report = try await services.records.importCustomers(
            venueId: caller.venueId, rows: CustomerImportRows { [uploads] in ImportFile.Rows(uploads.chunks(upload, services: services), mapping: mapping) },
            skipInvalid: skip, dryRun: dryRun, actor: caller.actor, progress: nil)
        if !dryRun && report.created > 0 { try await uploads.discard(upload.id, venueId: caller.venueId, services: services) }
        var page = render(upload, file: file, mapping: mapping, skip: skip, caller: caller)
        let problems = report.problems.map { problem in
            ImportPage.Report.Problem(line: problem.line, messages: problem.fields.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "; "))
        }
        page.report = .init(summary: ImportReportView.summary(report, dryRun: dryRun, skipInvalid: skip), problems: problems, hasProblems: !problems.isEmpty)
        page.done = !dryRun && report.created > 0
        let refused = !dryRun && report.created == 0 && !report.problems.isEmpty
        return .page(title: "Import customers", html: templates.render("import", page), status: refused ? 422 : 200)
    }

    func discard(_ request: PluginRequest) async throws -> PluginResponse {
        try await uploads.discard(try request.id("id", of: "upload"), venueId: request.caller.venueId, services: request.services)
        return .redirect("/plugins/exports")
    }

    /// The mapping page's data: a preview of the first rows and a column choice per field.
    func render(
        _ upload: ImportUpload, file: CheckedCSV, mapping: ImportMapping, skip: Bool, caller: PluginCaller,
        choices: [String: String] = [:]
    ) -> ImportPage {
        let header = file.header
        return ImportPage(
            id: upload.id, filename: upload.filename, rows: file.rows, csrfToken: caller.csrfToken ?? "",
            header: header, preview: file.preview.map { .init(line: $0.line, cells: $0.fields) }, skip: skip,
            fields: ImportField.allCases.map { field in
                let chosen = choices[field.rawValue] ?? mapping.columns[field].map { header[$0] } ?? ""
                return .init(name: field.rawValue, label: field.label, required: field.isRequired,
                             options: [.init(value: "", label: "(not imported)", selected: chosen.isEmpty)]
                                 + header.map { .init(value: $0, label: $0, selected: $0 == chosen) })
            })
    }
}
