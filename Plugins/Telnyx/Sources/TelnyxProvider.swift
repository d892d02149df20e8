import AsyncHTTPClient
import CrierPluginKit
import Foundation
import NIOCore

/// Sends SMS through Telnyx's Messaging API: `POST {api_base_url}/v2/messages` with a Bearer API
/// key and a JSON body (from or messaging_profile_id, to, text, webhook_url).
public struct TelnyxProvider: SMSProvider {
    public let id = "telnyx"
    let http: HTTPClient
    let timeout: TimeAmount

    public init(http: HTTPClient = .shared, timeout: TimeAmount = .seconds(10)) {
        self.http = http
        self.timeout = timeout
    }

    public var settingKeys: (all: Set<String>, secret: Set<String>) {
        (["api_key", "public_key", "from", "messaging_profile_id", "api_base_url", "public_url"], ["api_key"])
    }

    public func validate(_ settings: ProviderSettings) -> [String: String] { TelnyxSettings.problems(settings) }

    public func addresses(_ settings: ProviderSettings) -> [String] {
        [settings["from"], settings["messaging_profile_id"]].compactMap { $0 }
    }

    struct Request: Encodable {
        var from: String?
        var messaging_profile_id: String?
        var to: String
        var text: String
        var webhook_url: String?
    }

    public func send(_ sms: OutboundSMS, settings: ProviderSettings) async -> SendOutcome {
        let config: TelnyxSettings
        switch TelnyxSettings.read(settings) {
        case .success(let c): config = c
        case .failure(let problem): return .permanent(code: "settings", detail: problem.description)
        }
        let body = Request(from: config.from, messaging_profile_id: config.messagingProfileId, to: sms.to, text: sms.body,
                           webhook_url: sms.statusCallbackURL)
        var request = HTTPClientRequest(url: "\(config.apiBaseURL)/v2/messages")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(config.apiKey)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: (try? JSONEncoder().encode(body)) ?? Data()))
        switch await ProviderHTTP.execute(request, on: http, timeout: timeout, provider: "Telnyx") {
        case .answered(let status, let body): return TelnyxErrors.outcome(status: status, body: body)
        case .failed(let outcome): return outcome
        }
    }
}
