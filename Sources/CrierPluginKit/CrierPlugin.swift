@_exported import CrierCore
import AsyncHTTPClient
import Logging

/// A module that registers itself with the server at start-up (an SMS provider, contacts,
/// timeline, exports). Plugins see only this module and CrierCore, never the server or the store.
public protocol CrierPlugin: Sendable {
    /// Stable identifier used in configuration, URLs and CLI commands: "twilio", "contacts".
    static var id: String { get }
    /// Shown on `/admin/plugins`; bump it when the plugin's behaviour or tables change.
    static var version: String { get }
    /// Builds the plugin from its settings; throws when they are unusable (start-up stops).
    init(context: PluginContext) throws
    /// Declares what the plugin contributes, once, before the server starts.
    func register(with registrar: any PluginRegistrar)
}

extension CrierPlugin {
    public static var version: String { "1.0.0" }
}

/// What a plugin is given when it is built.
public struct PluginContext: Sendable {
    /// The plugin's own settings, by name: `CRIER_<ID>_<NAME>` in the environment, lower-cased
    /// (`CRIER_EXPORTS_MAX_IMPORT_BYTES` is `max_import_bytes` for the plugin `exports`).
    public var settings: [String: String]
    public var logger: Logger
    /// Every "now" a plugin uses comes from here, so its behaviour is testable without sleeping.
    public var clock: any Clock
    /// One HTTP client shared by every plugin (providers call out through it); the host shuts it down.
    public var http: HTTPClient

    public init(settings: [String: String], logger: Logger, clock: any Clock, http: HTTPClient = .shared) {
        self.settings = settings
        self.logger = logger
        self.clock = clock
        self.http = http
    }

    /// A whole-number setting, or `fallback` when it is absent; a malformed one stops start-up.
    public func integer(_ name: String, default fallback: Int) throws -> Int {
        guard let text = settings[name] else { return fallback }
        guard let value = Int(text), value > 0 else {
            throw PluginSettingError(setting: name, message: "must be a positive whole number, not '\(text)'")
        }
        return value
    }
}

/// A plugin setting that cannot be used: start-up stops with this message.
public struct PluginSettingError: Error, Sendable, CustomStringConvertible {
    public var setting: String
    public var message: String
    public init(setting: String, message: String) {
        self.setting = setting
        self.message = message
    }
    public var description: String { "\(setting) \(message)" }
}
