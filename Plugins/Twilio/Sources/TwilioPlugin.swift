import CrierPluginKit

/// The Twilio plugin: contributes the Twilio SMS provider (sending, settings, webhooks).
public struct TwilioPlugin: CrierPlugin {
    public static let id = "twilio"
    public static let version = "1.0.0"
    let provider: TwilioProvider

    public init(context: PluginContext) throws {
        provider = TwilioProvider(http: context.http)
    }

    public func register(with registrar: any PluginRegistrar) {
        registrar.addSMSProvider(provider)
    }
}
