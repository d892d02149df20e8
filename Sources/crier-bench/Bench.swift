import ArgumentParser
import CrierCore
import CrierPluginKit
import CrierServer
import CrierStore
import Foundation
import Logging

/// `crier-bench`: Crier's performance figures. Run it in release mode:
///     swift run -c release crier-bench                 # every benchmark on SQLite
///     scripts/with-postgres bash -c 'swift run -c release crier-bench --postgres "$CRIER_TEST_POSTGRES_URL"'
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crier-bench", abstract: "Measure Crier: store, dispatch, scheduler tick, webhooks and plugin backfill.",
        subcommands: [All.self, StoreBench.self, DispatchBench.self, TickBench.self, WebhookBench.self, BackfillBench.self, ExportBench.self, ImportBench.self], defaultSubcommand: All.self)

    /// One secret key for the run, shared by every store the benchmarks open and every server they
    /// start: a PostgreSQL store would otherwise make a key file in the working directory.
    static func main() async {
        if ProcessInfo.processInfo.environment["CRIER_SECRET_KEY"] == nil { setenv("CRIER_SECRET_KEY", Keyring.Key.random().base64, 1) }
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand { try await command.run() } else { try command.run() }
        } catch {
            exit(withError: error)
        }
    }
}

/// Every benchmark with its default sizes.
struct All: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "all", abstract: "Run every benchmark.")
    @OptionGroup var engines: Engines

    func run() async throws {
        let args = engines.postgres.map { ["--postgres", $0] } ?? []
        try await StoreBench.parse(args).run()
        try await DispatchBench.parse(args).run()
        try await TickBench.parse(args).run()
    }
}

/// Which engines to measure: SQLite always, PostgreSQL when given an admin URL.
struct Engines: ParsableArguments {
    @Option(help: "Admin URL of a PostgreSQL server to also measure (a scratch database is created and dropped).")
    var postgres: String?

    /// Runs `body` once per engine with a fresh, migrated store.
    func each(maxConnections: Int = 40, _ body: @Sendable (String, Store) async throws -> Void) async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("crier-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let sqlite = try await Store.open(.sqlite(path: dir.appendingPathComponent("bench.sqlite").path), clock: SystemClock(), logger: logger)
        try await sqlite.withRunning { s in
            try await s.migrate()
            try await body("sqlite", s)
        }
        guard let postgres else { return }
        let admin = try DatabaseURL(postgres)
        guard case .postgres(let host, let port, let user, let password, _, let tls) = admin else {
            throw ValidationError("--postgres must be a postgres:// URL")
        }
        let name = "crier_bench_\(Int(Date().timeIntervalSince1970 * 1000) % 100_000_000)"
        try await Store.open(admin, clock: SystemClock(), logger: logger, maxConnections: 1).withRunning { s in
            try await s.engine.read { db in try await db.raw("CREATE DATABASE \(unsafeRaw: name)").run() }
        }
        let store = try await Store.open(
            .postgres(host: host, port: port, user: user, password: password, database: name, requireTLS: tls),
            clock: SystemClock(), logger: logger, maxConnections: maxConnections)
        try await store.withRunning { s in
            try await s.migrate()
            try await body("postgres", s)
        }
        try await Store.open(admin, clock: SystemClock(), logger: logger, maxConnections: 1).withRunning { s in
            try await s.engine.read { db in try await db.raw("DROP DATABASE \(unsafeRaw: name) WITH (FORCE)").run() }
        }
    }
}

/// Bulk seeding through the store and the latency of creating one booking.
struct StoreBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "Seed customers, events and bookings; time single booking creation.")
    @OptionGroup var engines: Engines

    @Option(help: "Customers to create (each gets one booking).") var customers = 10_000
    @Option(help: "Events to spread bookings over.") var events = 100
    @Option(help: "Single bookings timed one by one for the latency figures.") var samples = 2_000
    @Option(help: "Concurrent clients for the throughput figure.") var concurrency = 16
    @OptionGroup var configurations: Configurations

    func run() async throws {
        print("store: \(customers) customers, \(events) events, \(customers) bookings, \(samples) timed bookings, \(concurrency) concurrent clients")
        print("  (default: every built-in plugin's projections and the scheduler running, as `crier serve`; plugin-free for comparison)")
        print(StoreFigures.header)
        for configuration in configurations.all {
            try await engines.each(maxConnections: concurrency + 4) { engine, store in
                var logger = Logger(label: "bench")
                logger.logLevel = .error
                // The scheduler sends the confirmations the bookings queue, through the console provider (a fresh install's).
                var settings = Dispatcher.Settings()
                settings.sendsPerSecond = 1_000_000
                settings.burst = 1_000_000
                let scheduler = try Dispatcher(
                    store: store, providers: [ConsoleProvider(id: "console", write: { _ in })], settings: settings, publicURL: nil, logger: logger)
                var row = try await ShippedServices.running(store, plugins: configuration.plugins, scheduler: scheduler) {
                    try await measure(store, engine: engine)
                }
                row.configuration = configuration.name
                print(row.line)
            }
        }
    }

    func measure(_ store: Store, engine: String) async throws -> StoreFigures {
        let venue = try await store.venues.create(
            try VenueSettings.validate(slug: "bench", name: "Bench", timezone: "Europe/London", defaultRegion: "GB"), actor: .system)
        let start = Date().addingTimeInterval(30 * 86_400)

        var row = StoreFigures(engine: engine)
        var eventIDs: [Int64] = []
        row.eventsPerSecond = try await rate(events) { i in
            let e = try await store.events.create(
                venue: venue, input: EventInput(name: "Event \(i)", startsAt: EventTime.rfc3339(start.addingTimeInterval(Double(i) * 3600), in: venue.timeZone)),
                actor: .system)
            eventIDs.append(e.event.id)
        }
        var customerIDs: [Int64] = []
        row.customersPerSecond = try await rate(customers) { i in
            customerIDs.append(try await customer(store, venue, i).id)
        }
        row.bookingsPerSecond = try await rate(customers) { i in
            _ = try await store.bookings.create(
                venue: venue, customerId: customerIDs[i], eventId: eventIDs[i % eventIDs.count], seats: i % 4, notes: nil,
                source: .import, actor: .system)
        }
        // Latency: one booking at a time, each for a new customer, against a full table.
        let extra = try await (0..<samples).asyncMap { try await customer(store, venue, customers + $0).id }
        var latencies: [Double] = []
        for (i, id) in extra.enumerated() {
            let t0 = ContinuousClock.now
            _ = try await store.bookings.create(
                venue: venue, customerId: id, eventId: eventIDs[i % eventIDs.count], seats: 2, notes: nil, source: .api, actor: .system)
            latencies.append((ContinuousClock.now - t0).seconds * 1000)
        }
        latencies.sort()
        row.p50 = latencies[latencies.count / 2]
        row.p99 = latencies[min(latencies.count - 1, Int(Double(latencies.count) * 0.99))]
        // Throughput with concurrent clients, as the HTTP server would see it.
        let more = try await (0..<samples).asyncMap { try await customer(store, venue, customers + samples + $0).id }
        let t0 = ContinuousClock.now
        let (workers, targets) = (concurrency, eventIDs)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<workers {
                group.addTask {
                    for i in stride(from: worker, to: more.count, by: workers) {
                        _ = try await store.bookings.create(
                            venue: venue, customerId: more[i], eventId: targets[(i * 7) % targets.count], seats: 1, notes: nil,
                            source: .api, actor: .system)
                    }
                }
            }
            try await group.waitForAll()
        }
        row.concurrentPerSecond = Double(more.count) / (ContinuousClock.now - t0).seconds
        return row
    }

    func customer(_ store: Store, _ venue: Venue, _ i: Int) async throws -> Customer {
        try await store.customers.create(
            venue: venue,
            input: CustomerInput(firstName: "First\(i)", lastName: "Last\(i % 977)", mobile: String(format: "+4477%08d", i)),
            actor: .system)
    }

    func rate(_ count: Int, _ body: (Int) async throws -> Void) async throws -> Double {
        let t0 = ContinuousClock.now
        for i in 0..<count { try await body(i) }
        return Double(count) / (ContinuousClock.now - t0).seconds
    }
}

/// One engine's figures.
struct StoreFigures {
    var engine: String
    var configuration = "default"
    var eventsPerSecond = 0.0, customersPerSecond = 0.0, bookingsPerSecond = 0.0
    var p50 = 0.0, p99 = 0.0, concurrentPerSecond = 0.0

    static let header = "configuration  engine     events/s  customers/s  bookings/s  booking p50 ms  booking p99 ms  concurrent bookings/s"
    var line: String {
        configuration.padding(toLength: 14, withPad: " ", startingAt: 0) + " " + engine.padding(toLength: 9, withPad: " ", startingAt: 0)
            + String(format: " %9.0f %12.0f %11.0f %15.2f %15.2f %22.0f", eventsPerSecond, customersPerSecond, bookingsPerSecond, p50, p99,
                     concurrentPerSecond)
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}
