import CrierPluginKit
import Foundation

/// The Vonage plugin: contributes the Vonage SMS provider (sending, settings, webhooks).
public struct VonagePlugin: CrierPlugin {
    public static let id = "vonage"
    public static let version = "1.0.0"
    let provider: VonageProvider

    public init(context: PluginContext) throws {
        let clock = context.clock
        provider = VonageProvider(http: context.http, now: { clock.now() })
    }

    public func register(with registrar: any PluginRegistrar) {
        registrar.addSMSProvider(provider)
    }
}
