@_exported import SQLKit
import Logging

/// What a plugin's routes, panels, projections, jobs and commands are handed when they run: its
/// own tables, Crier's records (read, plus the few writes the core allows), the clock and a logger.
public struct PluginServices: Sendable {
    public var pluginID: String
    public var database: any PluginDatabase
    public var records: any CrierRecords
    public var clock: any Clock
    public var logger: Logger
    /// Ids of every plugin loaded in this server, so one may link to another's pages when present.
    public var loadedPlugins: [String]

    public init(
        pluginID: String, database: any PluginDatabase, records: any CrierRecords, clock: any Clock, logger: Logger,
        loadedPlugins: [String]
    ) {
        self.pluginID = pluginID
        self.database = database
        self.records = records
        self.clock = clock
        self.logger = logger
        self.loadedPlugins = loadedPlugins
    }
}

/// The database, for a plugin's own tables (SQLKit on either engine). Transactions commit whole or
/// not at all; a plugin never spreads one over several calls.
public protocol PluginDatabase: Sendable {
    var flavor: SQLFlavor { get }
    /// Runs `body` outside a transaction (reads).
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// Runs `body` inside one transaction.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// True when `error` is a unique-index violation (a concurrent duplicate insert).
    func isUniqueViolation(_ error: any Error) -> Bool
}

/// Who is asking: the signed-in staff member (pages) or the API key (JSON routes).
public struct PluginCaller: Sendable, Equatable {
    /// The venue the request is about: every query a plugin runs is scoped by it.
    public var venueId: Int64
    /// Every venue the caller may see (a staff member's memberships; an API key's one venue).
    public var venueIds: [Int64]
    /// Who to record as having made a change.
    public var actor: Actor
    /// How staff know the actor: the staff member's email, or the API key's name.
    public var actorName: String
    /// The staff member's role; nil for an API key.
    public var role: Role?
    /// False for a read-only API key.
    public var canWrite: Bool
    /// The session's CSRF token, which every form a plugin page shows must carry as `csrf_token`.
    public var csrfToken: String?
    /// Whether the caller may download CSV: owners, managers and API keys; the staff role only when
    /// the venue allows it. The host refuses a download otherwise; pages hide their download links.
    public var canDownload: Bool

    public init(
        venueId: Int64, venueIds: [Int64], actor: Actor, actorName: String? = nil, role: Role?, canWrite: Bool, csrfToken: String?,
        canDownload: Bool? = nil
    ) {
        self.venueId = venueId
        self.venueIds = venueIds
        self.actor = actor
        self.actorName = actorName ?? actor.description
        self.role = role
        self.canWrite = canWrite
        self.csrfToken = csrfToken
        self.canDownload = canDownload ?? (role == nil || role == .owner || role == .manager)
    }

    /// Owners and managers.
    public var canManage: Bool { role == .owner || role == .manager }
}
