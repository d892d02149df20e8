import CrierCore
import CrierStore
import Foundation
import Logging

/// One webhook run against `crier serve`: seed a fresh database, start the real binary on it,
/// wait for its projections, then load it while watching projection lag and memory.
struct CrierWebhookRun {
    /// `CRIER_PLUGINS`, or nil for the default (every built-in plugin).
    let plugins: String?
    let engine: WebhookEngine
    let context: WebhookRunContext

    func measure(target: WebhookTarget) async throws -> WebhookFigures {
        try await ScratchDatabase.with(engine, dir: context.dir) { url in
            let key = try await seed(url)
            let server = try await ServerProcess.start(
                database: url, environment: plugins.map { ["CRIER_PLUGINS": $0] } ?? [:],
                output: context.dir.appendingPathComponent("server.log"), http: context.http)
            do {
                let lag = ProjectionLag(server: server, key: key, http: context.http)
                _ = try await lag.waitForZero(deadline: .seconds(60))
                try await Task.sleep(for: .seconds(2))
                let idle = PeakMemory.current(pid: server.pid)
                PeakMemory.reset(pid: server.pid)
                let watch = Task { try await lag.watch() }
                let result = try await WrkResult.run(
                    context.wrk, context.arguments + [server.base + WebhookLoad.path], output: context.dir.appendingPathComponent("wrk.txt"))
                watch.cancel()
                let maxLag = try await watch.value
                let peak = PeakMemory.megabytes(pid: server.pid)
                let after = try await lag.waitForZero(deadline: .seconds(60))
                await server.stop()
                let hasProjections = plugins == nil
                return WebhookFigures(
                    target: target, engine: engine.name, wrk: result, stored: try await stored(url),
                    maxLagSeconds: hasProjections ? maxLag : nil, catchUpSeconds: hasProjections ? after : nil, idleMB: idle, loadPeakMB: peak)
            } catch {
                await server.stop()
                throw error
            }
        }
    }

    static var logger: Logger {
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        return logger
    }

    /// The venue, its Twilio number, the known customers and an API key (returned) to read lag with.
    func seed(_ url: String) async throws -> String {
        try await Store.open(try DatabaseURL(url), clock: SystemClock(), logger: Self.logger).withRunning { store in
            try await store.migrate()
            let venue = try await store.venues.create(
                try VenueSettings.validate(slug: "bench", name: "Bench", timezone: "Europe/London", defaultRegion: "GB"), actor: .system)
            try await store.venues.setProvider(venueId: venue.id, id: "twilio", settings: [
                "account_sid": "AC" + String(repeating: "0", count: 32), "auth_token": WebhookLoad.token, "from": WebhookLoad.number,
                "public_url": WebhookLoad.base,
            ], addresses: [WebhookLoad.number], actor: .system)
            for i in 0..<context.customers {
                _ = try await store.customers.create(
                    venue: venue, input: CustomerInput(firstName: "F\(i)", lastName: "L\(i)", mobile: String(format: "+4477009%05d", i)),
                    actor: .system)
            }
            return try await store.apiKeys.create(venueId: venue.id, name: "bench", scope: .read, actor: .system).secret
        }
    }

    func stored(_ url: String) async throws -> Int {
        try await Store.open(try DatabaseURL(url), clock: SystemClock(), logger: Self.logger).withRunning { store in
            try await store.engine.read { db in
                try await db.raw("SELECT COUNT(*) AS n FROM messages WHERE direction = 'in'").first()!.decode(column: "n", as: Int.self)
            }
        }
    }
}

/// A database for one run: a SQLite file in the run's folder, or a scratch PostgreSQL database
/// created on the admin URL and dropped afterwards.
enum ScratchDatabase {
    static func with<T>(_ engine: WebhookEngine, dir: URL, _ body: (String) async throws -> T) async throws -> T {
        switch engine {
        case .sqlite, .none:
            return try await body("sqlite://" + dir.appendingPathComponent("bench.sqlite").path)
        case .postgres(let admin):
            guard var url = URLComponents(string: admin) else { throw BenchFailure("--postgres must be a postgres:// URL") }
            let name = "crier_bench_\(UInt32.random(in: 0...UInt32.max))"
            try await run(admin, "CREATE DATABASE \(name)")
            url.path = "/" + name
            do {
                let result = try await body(url.string ?? admin)
                try await run(admin, "DROP DATABASE \(name) WITH (FORCE)")
                return result
            } catch {
                try? await run(admin, "DROP DATABASE \(name) WITH (FORCE)")
                throw error
            }
        }
    }

    static func run(_ admin: String, _ sql: String) async throws {
        try await Store.open(try DatabaseURL(admin), clock: SystemClock(), logger: CrierWebhookRun.logger, maxConnections: 1).withRunning { s in
            try await s.engine.read(deadline: StoreDeadlines.bulk) { db in try await db.raw("\(unsafeRaw: sql)").run() }
        }
    }
}
