import CrierPluginKit
import Synchronization

/// A plugin built and registered: everything it contributed, read once at start-up.
public struct LoadedPlugin: Sendable {
    public let id: String
    public let version: String
    public internal(set) var migrations: [PluginMigration] = []
    public internal(set) var providers: [any SMSProvider] = []
    public internal(set) var routes: [PluginRoute] = []
    public internal(set) var navigation: [NavigationEntry] = []
    public internal(set) var panels: [CustomerPanel] = []
    public internal(set) var customerRecords: [CustomerRecord] = []
    public internal(set) var projections: [any JournalProjection] = []
    public internal(set) var jobs: [PeriodicJob] = []
    public internal(set) var commands: [PluginCommand] = []

    /// Builds `type` with `context` and collects what it registers.
    static func load(_ type: any CrierPlugin.Type, context: PluginContext) throws -> LoadedPlugin {
        let plugin = try type.init(context: context)
        let registrar = Registrar(pluginID: type.id, version: type.version)
        plugin.register(with: registrar)
        let loaded = registrar.collected.withLock { $0 }
        // The API's description lists every route: one it could not describe is not served.
        if let route = loaded.routes.first(where: { $0.kind == .api && $0.operation == nil }) {
            throw PluginLoadError(plugin: type.id, reason: "API route \(route.method.rawValue) \(route.path) has no operation (PluginRoute.api takes one)")
        }
        return loaded
    }

    /// The registrar a plugin is handed: it only appends to what it was given.
    final class Registrar: PluginRegistrar {
        let pluginID: String
        let collected: Mutex<LoadedPlugin>

        init(pluginID: String, version: String) {
            self.pluginID = pluginID
            collected = Mutex(LoadedPlugin(id: pluginID, version: version))
        }

        func addMigrations(_ migrations: [PluginMigration]) { collected.withLock { $0.migrations += migrations } }
        func addSMSProvider(_ provider: any SMSProvider) { collected.withLock { $0.providers.append(provider) } }
        func addRoute(_ route: PluginRoute) { collected.withLock { $0.routes.append(route) } }
        func addNavigation(_ entry: NavigationEntry) { collected.withLock { $0.navigation.append(entry) } }
        func addCustomerPanel(_ panel: CustomerPanel) { collected.withLock { $0.panels.append(panel) } }
        func addCustomerRecord(_ record: CustomerRecord) { collected.withLock { $0.customerRecords.append(record) } }
        func addProjection(_ projection: any JournalProjection) { collected.withLock { $0.projections.append(projection) } }
        func addJob(_ job: PeriodicJob) { collected.withLock { $0.jobs.append(job) } }
        func addCommand(_ command: PluginCommand) { collected.withLock { $0.commands.append(command) } }
    }
}
