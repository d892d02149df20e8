import CrierCore
import Foundation
import Logging
import SQLKit

/// Crier's storage: repositories over one engine, with the clock every timestamp comes from.
public struct Store: Sendable {
    /// Crier's own records.
    public let engine: any DatabaseEngine
    /// The plugins' tables and the projections' checkpoints. On SQLite a file of its own beside
    /// Crier's with its own writer (`PluginFile`), so a projection's batch never holds the writer a
    /// webhook waits for; on PostgreSQL the same engine as `engine`.
    public let pluginEngine: any DatabaseEngine
    /// Whether `pluginEngine` is an engine of its own (to run and shut down beside `engine`).
    let pluginsApart: Bool
    public let clock: any Clock
    public let logger: Logger
    /// Failures logged once per burst (shared by everything using this store).
    public let trouble: TroubleLog
    /// The keys venues' provider settings are sealed with (`Keyring`).
    public let keyring: Keyring

    public init(
        engine: any DatabaseEngine, pluginEngine: (any DatabaseEngine)? = nil, clock: any Clock, logger: Logger,
        keyring: Keyring = Keyring(keys: [.random()])
    ) {
        self.engine = engine
        self.pluginEngine = pluginEngine ?? engine
        self.pluginsApart = pluginEngine != nil
        self.clock = clock
        self.logger = logger
        self.trouble = TroubleLog(logger: logger)
        self.keyring = keyring
    }

    /// A store over engines already made, sharing `trouble` with the store it comes from.
    init(
        engine: any DatabaseEngine, pluginEngine: any DatabaseEngine, pluginsApart: Bool, clock: any Clock, logger: Logger,
        keyring: Keyring, trouble: TroubleLog
    ) {
        self.engine = engine
        self.pluginEngine = pluginEngine
        self.pluginsApart = pluginsApart
        self.clock = clock
        self.logger = logger
        self.trouble = trouble
        self.keyring = keyring
    }

    /// Opens the database at `url`. Call `engine.run()` (or `withRunning`) before using a PostgreSQL store.
    /// `maxConnections` bounds the PostgreSQL pool (SQLite always has one writer and a few readers).
    /// `keyring` defaults to what the environment names for this database (`Keyring.forDatabase`).
    public static func open(
        _ url: DatabaseURL, clock: any Clock, logger: Logger, maxConnections: Int = 20, keyring: Keyring? = nil
    ) async throws -> Store {
        let keyring = try keyring ?? Keyring.forDatabase(url)
        switch url {
        case .sqlite(let path):
            let engine = try await SQLiteEngine.open(path: path, logger: logger)
            var plugins: SQLiteEngine?
            do {
                // Plugins read only their own tables: two readers are plenty.
                let opened = try await SQLiteEngine.open(
                    path: DatabaseURL.pluginsFile(beside: path), readers: 2, niceness: PluginFile.writerNiceness, logger: logger)
                plugins = opened
                try await PluginFile.adopt(core: engine, corePath: path, plugins: opened, logger: logger)
                return Store(engine: engine, pluginEngine: opened, clock: clock, logger: logger, keyring: keyring)
            } catch {
                await plugins?.shutdown()
                await engine.shutdown()
                throw error
            }
        case .postgres(let host, let port, let user, let password, let database, let tls):
            let engine = PostgresEngine(
                host: host, port: port, user: user, password: password, database: database, requireTLS: tls,
                maxConnections: maxConnections, logger: logger)
            return Store(engine: engine, clock: clock, logger: logger, keyring: keyring)
        }
    }

    /// Runs `body` while the engines' connections are kept alive, then shuts them down.
    public func withRunning<T: Sendable>(_ body: @Sendable (Store) async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await engine.run() }
            if pluginsApart { group.addTask { await pluginEngine.run() } }
            defer { group.cancelAll() }
            do {
                let result = try await body(self)
                await shutdown()
                return result
            } catch {
                await shutdown()
                throw error
            }
        }
    }

    /// Closes both engines' connections (one, on PostgreSQL).
    public func shutdown() async {
        await engine.shutdown()
        if pluginsApart { await pluginEngine.shutdown() }
    }

    /// Applies the pending migrations of one plugin's track (`plugin:{id}`), where the plugins'
    /// tables live; returns how many ran.
    @discardableResult
    public func migrate(track: String, _ migrations: [Migration]) async throws -> Int {
        try await Migrator(engine: pluginEngine, logger: logger).migrate(track: track, migrations, now: clock.now().millisecondsSince1970)
    }

    /// Applies Crier's pending core migrations, and the plugins' file's own; returns how many ran.
    /// Provider settings still in plain text (from before they were encrypted) are sealed too.
    @discardableResult
    public func migrate() async throws -> Int {
        let now = clock.now().millisecondsSince1970
        let core = try await Migrator(engine: engine, logger: logger).migrate(track: CoreMigrations.track, CoreMigrations.all, now: now)
        let sealed = try await engine.transaction(deadline: StoreDeadlines.bulk) { [keyring] db in
            try await SealedSettings.reseal(db, keyring: keyring, strict: false)
        }
        if sealed.changed > 0 { logger.info("sealed venues' provider settings with the current secret key", metadata: ["venues": "\(sealed.changed)"]) }
        if !sealed.unopened.isEmpty {
            logger.error("""
                provider settings of venue(s) \(sealed.unopened.map(String.init).joined(separator: ", ")) were sealed with a key this \
                server does not have: their texts and webhooks fail until it is given that key (CRIER_SECRET_KEY or the key file), \
                or their provider settings are entered again
                """)
        }
        return core + (try await Migrator(engine: pluginEngine, logger: logger).migrate(track: "plugins", PluginFile.migrations, now: now))
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
    public var signIns: SignInAttempts { SignInAttempts(store: self) }
    public var invitations: StaffInvitations { StaffInvitations(store: self) }
    public var audit: AuditLog { AuditLog(store: self) }
    public var erasure: CustomerErasure { CustomerErasure(store: self) }
    public var retention: MessageRetention { MessageRetention(store: self) }
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
