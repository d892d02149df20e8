import CrierPluginKit
import Foundation

/// `crier exports customers|bookings|messages|consent [--venue SLUG] [--event ID] [--bom] > file.csv`
/// and `crier exports import FILE [--venue SLUG] [--dry-run] [--skip-invalid] [--map field=Column]...`.
/// The CSV goes to standard output; progress and reports to standard error.
enum ExportsCommands {
    static func all() -> [PluginCommand] {
        ExportKind.allCases.map { kind in
            PluginCommand(
                name: kind.rawValue, abstract: "Write \(kind.title.lowercased()) as CSV to standard output.",
                usage: kind == .bookings ? "[--venue SLUG] [--event ID] [--bom]" : "[--venue SLUG] [--bom]"
            ) { arguments, context in try await export(kind, arguments, context) }
        } + [
            PluginCommand(
                name: "import", abstract: "Import customers from a CSV file (with a header line).",
                usage: "FILE [--venue SLUG] [--dry-run] [--skip-invalid] [--map FIELD=COLUMN]..."
            ) { arguments, context in try await importFile(arguments, context) },
        ]
    }

    static func export(_ kind: ExportKind, _ arguments: [String], _ context: CommandContext) async throws {
        let options = try CommandOptions(arguments, values: ["--venue", "--event"], flags: ["--bom"])
        guard options.positional.isEmpty else { throw CommandError("unexpected argument '\(options.positional[0])'", status: 2) }
        let venue = try await Self.venue(options.value("--venue"), context)
        var eventId: Int64?
        if let text = options.value("--event") {
            guard kind == .bookings else { throw CommandError("--event applies only to `crier exports bookings`", status: 2) }
            guard let id = Int64(text), try await context.services.records.event(venueId: venue.id, id: id) != nil else {
                throw CommandError("--event \(text) is not one of \(venue.slug)'s events")
            }
            eventId = id
        }
        var bar: ProgressBar?
        if kind == .customers {
            bar = context.progress("exporting customers", total: try await context.services.records.customerCount(venueId: venue.id))
        }
        let rows = try await kind.write(
            venue: venue, eventId: eventId, byteOrderMark: options.flag("--bom"), records: context.services.records, to: context.output,
            progress: Self.advance(bar))
        bar?.finish()
        context.messages("exported \(rows) rows\n")
    }

    static func importFile(_ arguments: [String], _ context: CommandContext) async throws {
        let options = try CommandOptions(arguments, values: ["--venue", "--map"], flags: ["--dry-run", "--skip-invalid"])
        guard options.positional.count == 1 else { throw CommandError("give one CSV file to import", status: 2) }
        let path = options.positional[0]
        guard FileManager.default.isReadableFile(atPath: path) else { throw CommandError("cannot read \(path)") }
        let venue = try await Self.venue(options.value("--venue"), context)
        // The command line has no upload limit: it is the operator's own file, read a chunk at a time.
        let checked = try await ImportFile.check(FileChunks(path: path), maxBytes: .max)
        var choices: [String: String] = [:]
        for map in options.values("--map") {
            let parts = map.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, ImportField(rawValue: parts[0]) != nil else {
                throw CommandError("--map takes FIELD=COLUMN, FIELD one of " + ImportField.allCases.map(\.rawValue).joined(separator: ", "), status: 2)
            }
            choices[parts[0]] = parts[1]
        }
        let mapping = try ImportMapping.read(choices, header: checked.header)
        let rows = CustomerImportRows { ImportFile.Rows(FileChunks(path: path), mapping: mapping) }
        let dryRun = options.flag("--dry-run"), skip = options.flag("--skip-invalid")
        // Made when the import knows how many rows it will write: never for a dry run or a refusal.
        let bar = context.lazyProgress("importing")
        let report = try await context.services.records.importCustomers(
            venueId: venue.id, rows: rows, skipInvalid: skip, dryRun: dryRun, actor: .cli,
            progress: { written, total in bar.update(done: written, total: total) })
        bar.finish()
        for line in ImportReportView.lines(report) { context.messages(line + "\n") }
        context.messages(ImportReportView.summary(report, dryRun: dryRun, skipInvalid: skip) + "\n")
        if !report.problems.isEmpty && !skip { throw CommandError("\(report.problems.count) rows have problems") }
    }

    /// Moves `bar` on by each count heard.
    static func advance(_ bar: ProgressBar?) -> (@Sendable (Int) -> Void)? {
        guard let bar else { return nil }
        return { count in bar.advance(by: count) }
    }

    /// `--venue SLUG`, or the venue `default` that a new install makes.
    static func venue(_ slug: String?, _ context: CommandContext) async throws -> Venue {
        let slug = slug ?? "default"
        guard let venue = try await context.services.records.venue(slug: slug) else {
            throw CommandError("there is no venue '\(slug)': give --venue SLUG")
        }
        return venue
    }
}

/// A command's options: `--name value` (repeatable), `--name=value`, flags, and the rest in order.
struct CommandOptions {
    var positional: [String] = []
    var named: [String: [String]] = [:]
    var flags: Set<String> = []

    init(_ arguments: [String], values: Set<String>, flags known: Set<String>) throws {
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
            if values.contains(parts[0]) {
                guard let value = parts.count == 2 ? parts[1] : rest.popFirst() else { throw CommandError("\(parts[0]) needs a value", status: 2) }
                named[parts[0], default: []].append(value)
            } else if known.contains(argument) {
                flags.insert(argument)
            } else if argument.hasPrefix("--") {
                throw CommandError("unknown option '\(argument)'", status: 2)
            } else {
                positional.append(argument)
            }
        }
    }

    func value(_ name: String) -> String? { named[name]?.last }
    func values(_ name: String) -> [String] { named[name] ?? [] }
    func flag(_ name: String) -> Bool { flags.contains(name) }
}
