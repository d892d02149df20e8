import ArgumentParser
import CrierCore
import CrierPluginKit
import CrierServer
import CrierStore
import Exports
import Foundation
import Logging
import SQLKit
import Synchronization

/// `crier exports customers > file.csv` over a million customers: rows per second and the peak
/// memory of the export alone (the peak is reset after seeding), to show the CSV streams.
struct ExportBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Export 1M customers as CSV through the exports plugin's command.")
    @OptionGroup var engines: Engines
    @Option(help: "Customers to export.") var customers = 1_000_000

    func run() async throws {
        let customers = customers
        print("export: `crier exports customers` of \(customers) customers to /dev/null")
        print("engine      rows     seconds     rows/s    MB out   peak RSS MB (export only)")
        try await engines.each { engine, store in
            let venue = try await store.venues.create(
                try VenueSettings.validate(slug: "bench", name: "Bench", timezone: "Europe/London", defaultRegion: "GB"), actor: .system)
            try await Self.seed(store, venueId: venue.id, customers: customers)
            var logger = Logger(label: "bench")
            logger.logLevel = .error
            let host = try PluginHost.load(
                catalogue: [ExportsPlugin.self], selection: PluginSelection(nil, known: ["exports"]), environment: [:], logger: logger,
                clock: SystemClock(), http: .shared)
            try await host.migrate(store)
            guard let command = host.plugin("exports")?.commands.first(where: { $0.name == "customers" }) else { throw ValidationError("no export command") }
            let sink = try NullSink()
            let context = CommandContext(services: host.services(for: "exports", store: store), output: sink, messages: { _ in }, interactive: false)
            PeakMemory.reset()
            let start = ContinuousClock.now
            try await command.run(["--venue", "bench"], context)
            let seconds = (ContinuousClock.now - start).seconds
            let lines = sink.lines.withLock { $0 }
            precondition(lines == customers + 1, "wrote \(lines) lines for \(customers) customers")
            print(String(format: "%-9@ %9d %10.1f %10.0f %9.0f %13.0f", engine as NSString, customers, seconds, Double(customers) / seconds,
                         Double(sink.bytes.withLock { $0 }) / 1_048_576, PeakMemory.megabytes()))
        }
    }

    /// Customers written straight into the table, 500 per statement, with names that need quoting now and then.
    static func seed(_ store: Store, venueId: Int64, customers: Int) async throws {
        let now = Date().millisecondsSince1970
        var rows: [SQLQueryString] = []
        for c in 1...customers {
            let last = c % 10 == 0 ? "O'Brien, \"\(c)\"" : "Last\(c)"
            rows.append("""
                (\(bind: venueId), \(bind: "First\(c)"), \(bind: last), \(bind: "+4477" + String(format: "%08d", c)), \(bind: c % 3 == 0 ? "c\(c)@example.com" : nil),
                 \(bind: c % 7 == 0 ? "=note \(c)\nsecond line" : nil), \(bind: last.lowercased()), \(bind: "first\(c)"), \(bind: "first\(c) \(last.lowercased())"),
                 \(bind: true), \(bind: false), \(bind: now), \(bind: now))
                """)
            if rows.count == 500 || c == customers {
                let values = rows.joined(separator: ", ")
                rows.removeAll(keepingCapacity: true)
                try await store.engine.transaction { db in
                    try await db.raw("""
                        INSERT INTO customers (venue_id, first_name, last_name, mobile, email, notes, sort_last, sort_first, search_text,
                            sms_transactional, sms_marketing, created_at, updated_at) VALUES \(values)
                        """).run()
                }
            }
        }
    }
}

/// Standard output sent to /dev/null, counting what passes (as `> file.csv` would write it).
final class NullSink: ByteSink, Sendable {
    let handle: FileHandle
    let bytes = Mutex(0)
    let lines = Mutex(0)

    init() throws {
        guard let handle = FileHandle(forWritingAtPath: "/dev/null") else { throw ValidationError("cannot open /dev/null") }
        self.handle = handle
    }

    func write(_ chunk: [UInt8]) async throws {
        handle.write(Data(chunk))
        bytes.withLock { $0 += chunk.count }
        // Records end in CRLF; a quoted line break inside a cell is a bare LF.
        var n = 0
        var previous: UInt8 = 0
        for byte in chunk {
            if byte == 10 && previous == 13 { n += 1 }
            previous = byte
        }
        lines.withLock { $0 += n }
    }
}
