import CrierCore
import Foundation
import Logging
import SQLKit

/// Crier's storage: repositories over one engine, with the clock every timestamp comes from.
public struct Store: Sendable {
    public let engine: any DatabaseEngine
    public let clock: any Clock
    public let logger: Logger
    /// Failures logged once per burst (shared by everything using this store).
    public let trouble: TroubleLog

    public init(engine: any DatabaseEngine, clock: any Clock, logger: Logger) {
        self.engine = engine
        self.clock = clock
        self.logger = logger
        self.trouble = TroubleLog(logger: logger)
    }

    /// Opens the database at `url`. Call `engine.run()` (or `withRunning`) before using a PostgreSQL store.
    /// `maxConnections` bounds the PostgreSQL pool (SQLite always has one writer and a few readers).
    public static func open(_ url: DatabaseURL, clock: any Clock, logger: Logger, maxConnections: Int = 20) async throws -> Store {
        let engine: any DatabaseEngine
        switch url {
        case .sqlite(let path):
            engine = try await SQLiteEngine.open(path: path, logger: logger)
        case .postgres(let host, let port, let user, let password, let database, let tls):
            engine = PostgresEngine(
                host: host, port: port, user: user, password: password, database: database, requireTLS: tls,
                maxConnections: maxConnections, logger: logger)
        }
        return Store(engine: engine, clock: clock, logger: logger)
    }

    /// Runs `body` while the engine's connections are kept alive, then shuts the engine down.
    public func withRunning<T: Sendable>(_ body: @Sendable (Store) async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await engine.run() }
            defer { group.cancelAll() }
            do {
                let result = try await body(self)
                await engine.shutdown()
                return result
            } catch {
                await engine.shutdown()
                throw error
            }
        }
    }

    /// Applies the pending migrations of one plugin's track (`plugin:{id}`); returns how many ran.
    @discardableResult
    public func migrate(track: String, _ migrations: [Migration]) async throws -> Int {
        try await Migrator(engine: engine, logger: logger).migrate(track: track, migrations, now: clock.now().millisecondsSince1970)
    }

    /// Applies Crier's pending core migrations; returns how many ran.
    @discardableResult
    public func migrate() async throws -> Int {
        try await Migrator(engine: engine, logger: logger)
            .migrate(track: CoreMigrations.track, CoreMigrations.all, now: clock.now().millisecondsSince1970)
    }

    /// Runs `operation` again once if it lost a race on a unique index (two PostgreSQL transactions
    /// inserting the same mobile): the second run sees the winner and refuses with a precise 409.
    func retryingAfterRace<T: Sendable>(_ operation: () async throws -> T) async throws -> T {
        do {
            return try await operation()
        } catch let error where engine.isUniqueViolation(error) {
            return try await operation()
        }
    }

    public var venues: Venues { Venues(store: self) }
    public var staff: StaffAccounts { StaffAccounts(store: self) }
    public var sessions: WebSessions { WebSessions(store: self) }
    public var apiKeys: APIKeys { APIKeys(store: self) }
    public var customers: Customers { Customers(store: self) }
    public var events: Events { Events(store: self) }
    public var bookings: Bookings { Bookings(store: self) }
    public var journal: Journal { Journal(store: self) }
    public var consents: Consents { Consents(store: self) }
    public var messages: Messages { Messages(store: self) }
    public var dispatch: Dispatch { Dispatch(store: self) }
    public var inbound: Inbound { Inbound(store: self) }
    public var inbox: Inbox { Inbox(store: self) }
    public var templates: SMSTemplates { SMSTemplates(store: self) }
    public var checkpoints: ProjectionCheckpoints { ProjectionCheckpoints(store: self) }
    public var records: RecordPages { RecordPages(store: self) }
    public var customerImport: CustomerImport { CustomerImport(store: self) }
}

/// One page of a list and the cursor for the next one (nil on the last page).
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }

    /// The first `limit` of `rows` (fetched as `limit + 1`) and, when there were more, a cursor
    /// holding the sort key of the last row shown.
    init(rows: [Item], limit: Int, key: (Item) -> [JSONValue]) {
        let items = Array(rows.prefix(limit))
        self.init(items: items, nextCursor: rows.count > limit ? items.last.map { Cursor.encode(key($0)) } : nil)
    }

    /// The same page with each item transformed (keeping the cursor).
    func map<T: Sendable>(_ transform: ([Item]) async throws -> [T]) async rethrows -> Page<T> {
        Page<T>(items: try await transform(items), nextCursor: nextCursor)
    }
}
