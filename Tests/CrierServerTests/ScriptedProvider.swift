import CrierPluginKit
import Foundation
import Synchronization

/// A provider for dispatcher tests: records every send and answers from a script (then accepts).
final class ScriptedProvider: SMSProvider {
    let id: String
    private let state = Mutex<(sent: [OutboundSMS], script: [SendOutcome])>(([], []))

    init(_ script: [SendOutcome] = [], id: String = "console") {
        self.id = id
        state.withLock { $0.script = script }
    }

    var sent: [OutboundSMS] { state.withLock { $0.sent } }
    var settingKeys: (all: Set<String>, secret: Set<String>) { (["from"], []) }
    func validate(_ settings: ProviderSettings) -> [String: String] { [:] }

    func send(_ sms: OutboundSMS, settings: ProviderSettings) async -> SendOutcome {
        state.withLock { s in
            s.sent.append(sms)
            return s.script.isEmpty ? .accepted(providerMessageId: "SM\(sms.messageId)-\(s.sent.count)", segments: nil) : s.script.removeFirst()
        }
    }
}
