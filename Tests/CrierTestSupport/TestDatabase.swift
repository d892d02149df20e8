import CrierCore
import CrierStore
import Foundation
import Logging

/// The engines a storage test runs on: SQLite always; PostgreSQL when `scripts/test` has started
/// one (`CRIER_TEST_POSTGRES_URL`). With `CRIER_REQUIRE_POSTGRES=1` a missing server fails the
/// run instead of silently testing one engine.
public enum TestEngines {
    public static var all: [EngineKind] {
        let env = ProcessInfo.processInfo.environment
        if env["CRIER_TEST_POSTGRES_URL"] != nil || env["CRIER_REQUIRE_POSTGRES"] == "1" { return [.sqlite, .postgres] }
        return [.sqlite]
    }
}

/// A fixed "now" for tests: 2026-11-21 12:00 UTC (a Saturday).
public let testNow = Date(timeIntervalSince1970: 1_795_262_400)

/// Runs `body` with a migrated store on a fresh, empty database of `engine`, then deletes it.
public func withTestStore<T: Sendable>(
    _ engine: EngineKind, clock: ManualClock = ManualClock(testNow), _ body: @Sendable (Store) async throws -> T
) async throws -> T {
    try await withTestDatabase(engine, clock: clock) { _, store in try await body(store) }
}

/// Like `withTestStore`, also giving the database's URL so a test can open more stores on it
/// (several server instances sharing one database).
public func withTestDatabase<T: Sendable>(
    _ engine: EngineKind, clock: ManualClock = ManualClock(testNow), _ body: @Sendable (DatabaseURL, Store) async throws -> T
) async throws -> T {
    let logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return logger
    }()
    switch engine {
    case .sqlite:
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("crier-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = DatabaseURL.sqlite(path: dir.appendingPathComponent("t.sqlite").path)
        let store = try await Store.open(url, clock: clock, logger: logger)
        return try await store.withRunning { store in
            try await store.migrate()
            return try await body(url, store)
        }
    case .postgres:
        guard let admin = ProcessInfo.processInfo.environment["CRIER_TEST_POSTGRES_URL"] else {
            throw StoreFailure("CRIER_REQUIRE_POSTGRES=1 but CRIER_TEST_POSTGRES_URL is not set: run scripts/test")
        }
        guard case .postgres(let host, let port, let user, let password, _, _) = try DatabaseURL(admin) else {
            throw StoreFailure("CRIER_TEST_POSTGRES_URL must be a postgres:// URL")
        }
        let name = "crier_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        let adminStore = try await Store.open(try DatabaseURL(admin), clock: clock, logger: logger, maxConnections: 1)
        try await adminStore.withRunning { s in
            // Tests start side by side and CREATE DATABASE takes turns: allow for the queue.
            try await s.engine.read(deadline: StoreDeadlines.bulk) { db in try await db.raw("CREATE DATABASE \(unsafeRaw: name)").run() }
        }
        @Sendable func drop() async {
            // A PostgresClient runs once, so cleanup gets a client of its own.
            guard let cleanup = try? await Store.open(try DatabaseURL(admin), clock: clock, logger: logger, maxConnections: 1) else { return }
            try? await cleanup.withRunning { s in
                try await s.engine.read(deadline: StoreDeadlines.bulk) { db in
                    try await db.raw("DROP DATABASE IF EXISTS \(unsafeRaw: name) WITH (FORCE)").run()
                }
            }
        }
        do {
            let url = DatabaseURL.postgres(host: host, port: port, user: user, password: password, database: String(name), requireTLS: false)
            // A key of its own (no key file in the working directory); more stores on this
            // database pass `keyring: store.keyring`, as instances share CRIER_SECRET_KEY.
            let store = try await Store.open(url, clock: clock, logger: logger, maxConnections: 6, keyring: Keyring(keys: [.random()]))
            let result = try await store.withRunning { store in
                try await store.migrate()
                return try await body(url, store)
            }
            await drop()
            return result
        } catch {
            await drop()
            throw error
        }
    }
}

extension Store {
    /// Puts an existing account on `venueId`'s staff the only way there is: an invitation it accepts.
    public func join(_ user: StaffUser, venueId: Int64, role: Role) async throws {
        let (_, token) = try await invitations.invite(venueId: venueId, email: user.email, role: role, by: .owner, actor: .system)
        _ = try await invitations.accept(token: token, as: .existingAccount(userId: user.id))
    }

    /// A venue for tests: `slug`, in `timezone`, reading national numbers as `region`.
    public func makeVenue(_ slug: String = "crown", timezone: String = "Europe/London", region: String = "GB") async throws -> Venue {
        try await venues.create(
            try VenueSettings.validate(slug: slug, name: slug.capitalized, timezone: timezone, defaultRegion: region), actor: .system)
    }

    /// A customer with a UK mobile built from `n`.
    public func makeCustomer(_ venue: Venue, first: String = "Ann", last: String = "Lee", mobile: String? = nil, n: Int = 0)
        async throws -> Customer
    {
        try await customers.create(
            venue: venue,
            input: CustomerInput(firstName: first, lastName: last, mobile: mobile ?? String(format: "07700 9%05d", n)),
            actor: .system)
    }

    /// An event `days` days after the test clock's now, with `capacity` seats.
    public func makeEvent(_ venue: Venue, name: String = "Quiz night", days: Double = 10, capacity: Int? = nil)
        async throws -> Event
    {
        let start = clock.now().addingTimeInterval(days * 86_400)
        return try await events.create(
            venue: venue,
            input: EventInput(name: name, startsAt: EventTime.rfc3339(start, in: venue.timeZone), capacity: capacity),
            actor: .system
        ).event
    }
}
