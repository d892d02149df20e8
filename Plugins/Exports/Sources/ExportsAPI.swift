import CrierPluginKit
import Foundation

/// The exports and the import as HTTP for integrators, for the API key's venue:
/// `GET {kind}` (customers, bookings, messages, consent; `?event_id=&bom=1`) streams CSV;
/// `POST imports/customers` takes a CSV body (`?dry_run=1&skip_invalid=1&map.first_name=Given`).
enum ExportsAPI {
    static func download(_ request: PluginRequest) async throws -> PluginResponse {
        try await ExportDownload.read(kind: request.parameters["kind"], query: request.query, caller: request.caller, services: request.services)
            .response(request.services)
    }

    static func importCustomers(_ request: PluginRequest, uploads: ImportUploads) async throws -> PluginResponse {
        guard let file = request.bodyFile else { throw CrierError.invalid(FieldErrors("file", "is empty: send the CSV as the body")) }
        let checked = try await ImportFile.check(file.chunks(), maxBytes: uploads.maxBytes)
        var choices: [String: String] = [:]
        for field in ImportField.allCases { choices[field.rawValue] = request.query["map." + field.rawValue] }
        let mapping = try ImportMapping.read(choices, header: checked.header)
        let dryRun = request.flag("dry_run"), skip = request.flag("skip_invalid")
        let report = try await request.services.records.importCustomers(
            venueId: request.caller.venueId, rows: CustomerImportRows { ImportFile.Rows(file.chunks(), mapping: mapping) }, skipInvalid: skip,
            dryRun: dryRun, actor: request.caller.actor, progress: nil)
        var body = ImportReportView.json(report, dryRun: dryRun)
        if !dryRun && !skip && !report.problems.isEmpty, case .object(var fields) = body {
            // All or nothing, and something was bad: nothing written, said in the API's error shape.
            fields["error"] = [
                "code": "import_refused", "message": .string(ImportReportView.summary(report, dryRun: false, skipInvalid: false)),
                "fields": [:],
            ]
            body = .object(fields)
            return .json(body, status: 422)
        }
        return .json(body, status: dryRun || report.created == 0 ? 200 : 201)
    }
}
