import CrierPluginKit

/// What the exports routes take and answer, for the API's description (each route names its
/// operation where it is registered, in `ExportsPlugin`).
enum ExportsOperations {
    static let download = APIOperation(
        "downloadExport", "A CSV of the venue's customers, bookings, texts or consent history, streamed", tag: "Exports",
        parameters: [
            .path("kind", .oneOf(ExportKind.allCases.map(\.rawValue))),
            .query("event_id", .id, "bookings only: one event's"),
            .query("bom", .string(), "1, true, yes or on: start with a byte-order mark (for Excel)"),
        ],
        responses: [.file("text/csv", "CSV with a header row")])

    static let report = APISchema.object([
        "dry_run": .boolean, "valid": .integer(minimum: 0), "created": .integer(minimum: 0),
        "problems": .array(.object(["line": .integer(minimum: 1), "fields": .map(.string())])),
        "error": .anyObject,
    ], required: ["dry_run", "valid", "created", "problems"])

    static let importCustomers = APIOperation(
        "importCustomers", "Import customers from a CSV body (all or nothing unless skip_invalid)",
        details: "Columns are matched to fields by their header; map.first_name=Given names a column for a field.",
        tag: "Exports",
        parameters: [
            .query("dry_run", .string(), "1, true, yes or on: check every row, write nothing"),
            .query("skip_invalid", .string(), "1, true, yes or on: import the good rows, report the rest"),
        ] + ImportField.allCases.map { .query("map." + $0.rawValue, .string(), "the CSV column for \($0.rawValue)") },
        body: APIBody(.string(), contentTypes: ["text/csv"], example: "first_name,last_name,mobile\nAda,Lovelace,+447700900123\n"),
        responses: [
            .ok(report, "checked (dry run) or nothing new to create"), .created(report, "imported"),
            APIResponse(422, "rows have problems (nothing written), or the columns don't say where a field is",
                        schema: APISchema(json: ["anyOf": .array([report.json, APISchema.ref("Error").json])])),
        ])
}
