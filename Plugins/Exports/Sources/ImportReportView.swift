import CrierPluginKit

/// An import's report as the page, the API and the CLI show it.
enum ImportReportView {
    /// "line 4: mobile is not a valid mobile number; first_name is required"
    static func lines(_ report: CustomerImportReport) -> [String] {
        report.problems.map { problem in
            "line \(problem.line): " + problem.fields.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "; ")
        }
    }

    static func json(_ report: CustomerImportReport, dryRun: Bool) -> JSONValue {
        [
            "dry_run": .bool(dryRun), "valid": .from(report.valid), "created": .from(report.created),
            "problems": .array(report.problems.map { problem in
                ["line": .from(problem.line), "fields": .object(problem.fields.mapValues(JSONValue.string))]
            }),
        ]
    }

    /// The sentence under the report.
    static func summary(_ report: CustomerImportReport, dryRun: Bool, skipInvalid: Bool) -> String {
        let bad = report.problems.count
        if dryRun {
            return bad == 0 ? "All \(report.valid) rows are good; nothing was written yet." :
                "\(report.valid) rows are good and \(bad) have problems; nothing was written."
        }
        if report.created == 0 && bad > 0 && !skipInvalid {
            return "Nothing was imported: \(bad) rows have problems. Fix them, or choose to skip bad rows."
        }
        return "Imported \(report.created) customers" + (bad > 0 ? "; skipped \(bad) rows with problems." : ".")
    }
}
