import CrierCore
import CrierPluginKit

/// The default provider: writes each message to the console and reports it sent, so
/// `swift run crier` works with no SMS account.
public struct ConsoleProvider: SMSProvider {
    public let id: String
    let write: @Sendable (String) -> Void

    /// `id` is "console"; the benchmark borrows it to stand in for another provider without HTTP.
    public init(id: String = "console", write: @escaping @Sendable (String) -> Void) {
        self.id = id
        self.write = write
    }

    public var settingKeys: (all: Set<String>, secret: Set<String>) { (["from"], []) }

    public func validate(_ settings: ProviderSettings) -> [String: String] { [:] }

    public func send(_ sms: OutboundSMS, settings: ProviderSettings) async -> SendOutcome {
        let measure = SMSMeasurement(sms.body)
        write("[sms #\(sms.messageId)] to \(sms.to)\(sms.from.map { " from \($0)" } ?? "") (\(measure.segments) segment(s), \(measure.encoding.rawValue)): \(sms.body)")
        return .accepted(providerMessageId: "console-\(sms.messageId)", segments: measure.segments)
    }
}
