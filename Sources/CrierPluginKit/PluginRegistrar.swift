/// Where a plugin declares its contributions to the running server. Each call adds to what was
/// declared before; the host reads them all once `register(with:)` returns.
public protocol PluginRegistrar: Sendable {
    /// The id of the plugin being registered.
    var pluginID: String { get }
    /// Schema steps for the plugin's own tables, on its own version track (run on start-up).
    func addMigrations(_ migrations: [PluginMigration])
    /// A way of sending SMS that venues can choose in their settings.
    func addSMSProvider(_ provider: any SMSProvider)
    /// A JSON route under `/api/v1/plugins/{id}/` or a page under `/plugins/{id}/`.
    func addRoute(_ route: PluginRoute)
    /// A link in the staff web form's navigation.
    func addNavigation(_ entry: NavigationEntry)
    /// A section on every customer's page in the staff web form.
    func addCustomerPanel(_ panel: CustomerPanel)
    /// What the plugin holds about one customer, for their data-access request (the customer's export).
    func addCustomerRecord(_ record: CustomerRecord)
    /// State built from the journal, in order, behind a durable checkpoint of its own.
    func addProjection(_ projection: any JournalProjection)
    /// Work repeated on a timer while the server runs.
    func addJob(_ job: PeriodicJob)
    /// A CLI subcommand: `crier {id} {name} ...`.
    func addCommand(_ command: PluginCommand)
}

/// A link in the staff navigation, to one of the plugin's pages.
public struct NavigationEntry: Sendable, Equatable {
    public var title: String
    /// An absolute path, normally under `/plugins/{id}/`.
    public var path: String
    /// Shown only to owners and managers.
    public var managersOnly: Bool

    public init(title: String, path: String, managersOnly: Bool = false) {
        self.title = title
        self.path = path
        self.managersOnly = managersOnly
    }
}

/// A section of the customer page, rendered by the plugin as an HTML fragment (escaped by the
/// plugin: use a Mustache template, which escapes by default).
public struct CustomerPanel: Sendable {
    public var title: String
    public var render: @Sendable (_ customerId: Int64, _ caller: PluginCaller, _ services: PluginServices) async throws -> String

    public init(
        title: String, render: @escaping @Sendable (_ customerId: Int64, _ caller: PluginCaller, _ services: PluginServices) async throws -> String
    ) {
        self.title = title
        self.render = render
    }
}

/// What a plugin holds about one customer, as JSON, for a data-access request: the host puts it
/// under `plugins.{id}.{name}` in the customer's export.
public struct CustomerRecord: Sendable {
    public var name: String
    public var export: @Sendable (_ customerId: Int64, _ caller: PluginCaller, _ services: PluginServices) async throws -> JSONValue

    public init(
        name: String, export: @escaping @Sendable (_ customerId: Int64, _ caller: PluginCaller, _ services: PluginServices) async throws -> JSONValue
    ) {
        self.name = name
        self.export = export
    }
}

/// Work the server repeats every `interval` while it runs. With several instances each runs it,
/// so a job must be safe to repeat (delete what expired, not "delete the next ten").
public struct PeriodicJob: Sendable {
    public var name: String
    public var interval: Duration
    public var run: @Sendable (PluginServices) async throws -> Void

    public init(name: String, interval: Duration, run: @escaping @Sendable (PluginServices) async throws -> Void) {
        self.name = name
        self.interval = interval
        self.run = run
    }
}
