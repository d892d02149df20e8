@_exported import CrierCore
import Logging

/// A module that registers itself with the server at start-up (an SMS provider, contacts,
/// timeline, exports). Plugins see only this module and CrierCore, never the server or the store.
///
/// The registrar's contributions (migrations, routes, projections, jobs) arrive with the
/// plugin-host milestone; this is the shape they will hang on.
public protocol CrierPlugin: Sendable {
    /// Stable identifier used in configuration and URLs: "twilio", "contacts".
    static var id: String { get }
    /// Builds the plugin from its settings; throws when they are unusable.
    init(context: PluginContext) throws
    /// Declares what the plugin contributes.
    func register(with registrar: any PluginRegistrar)
}

/// What a plugin is given when it is built.
public struct PluginContext: Sendable {
    /// The plugin's own settings (from configuration), by name.
    public var settings: [String: String]
    public var logger: Logger
    /// Every "now" a plugin uses comes from here, so its behaviour is testable without sleeping.
    public var clock: any Clock

    public init(settings: [String: String], logger: Logger, clock: any Clock) {
        self.settings = settings
        self.logger = logger
        self.clock = clock
    }
}

/// Where a plugin declares its contributions to the running server.
public protocol PluginRegistrar: Sendable {
    /// The id of the plugin being registered.
    var pluginID: String { get }
}
