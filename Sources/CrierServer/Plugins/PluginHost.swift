import AsyncHTTPClient
import CrierPluginKit
import CrierStore
import Logging

/// The plugins this server loaded and what they contributed, with the runners for their
/// projections and jobs. Built once at start-up from the executable's built-in list.
public struct PluginHost: Sendable {
    public let plugins: [LoadedPlugin]
    /// Every built-in plugin (loaded or not), for `/admin/plugins`.
    public let builtIn: [(id: String, version: String)]
    /// What each projection is doing, shared by its runner and the admin page.
    public let status = ProjectionStatus()
    let logger: Logger

    public init(plugins: [LoadedPlugin], builtIn: [(id: String, version: String)], logger: Logger) {
        self.plugins = plugins
        self.builtIn = builtIn
        self.logger = logger
    }

    /// A server with no plugins.
    public static func none(logger: Logger) -> PluginHost { PluginHost(plugins: [], builtIn: [], logger: logger) }

    /// Builds the plugins `selection` names from `catalogue`, each with its own settings from
    /// `environment` (`CRIER_<ID>_<NAME>`). A plugin that refuses its settings stops start-up.
    public static func load(
        catalogue: [any CrierPlugin.Type], selection: PluginSelection, environment: [String: String], logger: Logger, clock: any Clock,
        http: HTTPClient
    ) throws -> PluginHost {
        var loaded: [LoadedPlugin] = []
        for type in catalogue where selection.ids.contains(type.id) {
            let prefix = "CRIER_\(type.id.uppercased())_"
            let settings = Dictionary(uniqueKeysWithValues: environment.filter { $0.key.hasPrefix(prefix) }.map {
                (String($0.key.dropFirst(prefix.count)).lowercased(), $0.value)
            })
            var pluginLogger = logger
            pluginLogger[metadataKey: "plugin"] = "\(type.id)"
            do {
                loaded.append(try LoadedPlugin.load(type, context: PluginContext(settings: settings, logger: pluginLogger, clock: clock, http: http)))
            } catch {
                throw PluginLoadError(plugin: type.id, reason: String(describing: error))
            }
        }
        return PluginHost(plugins: loaded, builtIn: catalogue.map { ($0.id, $0.version) }, logger: logger)
    }

    public var ids: [String] { plugins.map(\.id) }
    public func plugin(_ id: String) -> LoadedPlugin? { plugins.first { $0.id == id } }

    /// Every SMS provider the loaded plugins offer.
    public var providers: [any SMSProvider] { plugins.flatMap(\.providers) }

    /// Runs each loaded plugin's pending migrations on its own track (`plugin:{id}`); returns how many ran.
    @discardableResult
    public func migrate(_ store: Store) async throws -> Int {
        var applied = 0
        for plugin in plugins where !plugin.migrations.isEmpty {
            let migrations = plugin.migrations.map { step in
                Migration(version: step.version, name: step.name) { engine in step.statements(SQLFlavor(engine)) }
            }
            applied += try await store.migrate(track: Self.track(plugin.id), migrations)
        }
        return applied
    }

    public static func track(_ id: String) -> String { "plugin:\(id)" }

    /// What a plugin's code runs with over `store`.
    public func services(for id: String, store: Store) -> PluginServices {
        var pluginLogger = logger
        pluginLogger[metadataKey: "plugin"] = "\(id)"
        return PluginServices(
            pluginID: id, database: StorePluginDatabase(store: store), records: StoreRecords(store: store), clock: store.clock,
            logger: pluginLogger, loadedPlugins: ids)
    }

    /// The runner that keeps every loaded plugin's projections up to date with the journal.
    public func projections(store: Store, batchSize: Int = 500) -> ProjectionRunner {
        ProjectionRunner(host: self, store: store, batchSize: batchSize)
    }
}

/// A plugin could not be built from its settings.
public struct PluginLoadError: Error, Sendable, CustomStringConvertible {
    public let plugin: String
    public let reason: String
    public var description: String { "plugin '\(plugin)' could not start: \(reason)" }
}

extension SQLFlavor {
    init(_ engine: EngineKind) {
        switch engine {
        case .sqlite: self = .sqlite
        case .postgres: self = .postgres
        }
    }
}
