import CrierPluginKit

/// The Telnyx plugin: contributes the Telnyx SMS provider (sending, settings, webhooks).
public struct TelnyxPlugin: CrierPlugin {
    public static let id = "telnyx"
    public static let version = "1.0.0"
    let provider: TelnyxProvider

    public init(context: PluginContext) throws {
        provider = TelnyxProvider(http: context.http)
    }

    public func register(with registrar: any PluginRegistrar) {
        registrar.addSMSProvider(provider)
    }
}
