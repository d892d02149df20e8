import ArgumentParser
import CrierCore
import CrierServer
import CrierStore
import Foundation
import Logging
import SQLKit

/// The scheduler's pass cost as the table grows: an idle pass and a pass with a few due messages,
/// among 10k and then 1M scheduled-for-later rows. It should stay flat (O(due), not O(rows)).
struct TickBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tick", abstract: "Time scheduler passes among 10k and 1M scheduled rows.")
    @OptionGroup var engines: Engines
    @Option(help: "Table sizes to measure at, ascending.") var sizes: [Int] = [10_000, 1_000_000]
    @Option(help: "Due messages per measured pass.") var due = 100

    func run() async throws {
        print("tick: scheduler pass among scheduled-for-later rows (median of repeated passes)")
        print("engine     rows       idle pass ms   pass with \(due) due ms")
        let (sizes, due) = (sizes, due)
        try await engines.each { engine, store in
            let venue = try await store.venues.create(
                try VenueSettings.validate(slug: "bench", name: "Bench", timezone: "Europe/London", defaultRegion: "GB"), actor: .system)
            var logger = Logger(label: "bench")
            logger.logLevel = .error
            var settings = Dispatcher.Settings()
            settings.batchSize = 500
            let dispatcher = try Dispatcher(store: store, providers: [ConsoleProvider(write: { _ in })], settings: settings,
                                            publicURL: nil, logger: logger)
            var rows = 0, serial = 0
            for size in sizes {
                try await Self.seed(store, venueId: venue.id, from: rows, to: size, dueAt: nil)
                rows = size
                var idle: [Double] = []
                for _ in 0..<30 {
                    let t = ContinuousClock.now
                    try await dispatcher.runUntilIdle()
                    idle.append((ContinuousClock.now - t).seconds * 1000)
                }
                var busy: [Double] = []
                for _ in 0..<5 {
                    serial += 1
                    try await Self.seed(store, venueId: venue.id, from: 10_000_000 * serial, to: 10_000_000 * serial + due, dueAt: Date())
                    let t = ContinuousClock.now
                    let report = try await dispatcher.runUntilIdle()
                    busy.append((ContinuousClock.now - t).seconds * 1000)
                    precondition(report.claimed == due, "expected \(due) due, claimed \(report.claimed)")
                }
                print(String(format: "%-9@ %9d %14.2f %20.2f", engine as NSString, size, idle.sorted()[idle.count / 2], busy.sorted()[busy.count / 2]))
            }
        }
    }

    /// Inserts messages `from..<to` in one statement: due now when `dueAt` is given, else a year out.
    static func seed(_ store: Store, venueId: Int64, from: Int, to: Int, dueAt: Date?) async throws {
        guard to > from else { return }
        let now = Date().millisecondsSince1970
        let base = dueAt?.addingTimeInterval(-1).millisecondsSince1970 ?? (now + 365 * 86_400_000)
        let step: Int64 = dueAt == nil ? 1 : 0
        try await store.engine.transaction { db in
            switch store.engine.kind {
            case .sqlite:
                try await db.raw("""
                    WITH RECURSIVE n(i) AS (SELECT \(bind: from) UNION ALL SELECT i + 1 FROM n WHERE i < \(bind: to - 1))
                    INSERT INTO messages (venue_id, direction, kind, status, to_number, idempotency_key, scheduled_for, attempts,
                                          created_at, updated_at)
                    SELECT \(bind: venueId), 'out', 'reminder_24h', 'scheduled', '+4477' || printf('%08d', i % 100000000),
                           'bench:' || i, \(bind: base) + i * \(bind: step), 0, \(bind: now), \(bind: now) FROM n
                    """).run()
            case .postgres:
                try await db.raw("""
                    INSERT INTO messages (venue_id, direction, kind, status, to_number, idempotency_key, scheduled_for, attempts,
                                          created_at, updated_at)
                    SELECT \(bind: venueId), 'out', 'reminder_24h', 'scheduled', '+4477' || lpad((i % 100000000)::text, 8, '0'),
                           'bench:' || i, \(bind: base) + i * \(bind: step), 0, \(bind: now), \(bind: now)
                    FROM generate_series(\(bind: Int64(from)), \(bind: Int64(to - 1))) AS i
                    """).run()
            }
        }
    }
}
