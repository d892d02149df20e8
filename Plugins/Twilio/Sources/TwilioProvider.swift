import AsyncHTTPClient
import CrierPluginKit
import Foundation
import NIOCore
import NIOHTTP1

/// Sends SMS through Twilio's Messages REST API:
/// `POST {api_base_url}/2010-04-01/Accounts/{account_sid}/Messages.json`, Basic auth, form fields
/// To, From or MessagingServiceSid, Body, StatusCallback. `api_base_url` lets a local fake stand in.
public struct TwilioProvider: SMSProvider {
    public let id = "twilio"
    let http: HTTPClient
    let timeout: TimeAmount

    public init(http: HTTPClient = .shared, timeout: TimeAmount = .seconds(10)) {
        self.http = http
        self.timeout = timeout
    }

    public var settingKeys: (all: Set<String>, secret: Set<String>) {
        (["account_sid", "auth_token", "from", "messaging_service_sid", "api_base_url", "public_url"], ["auth_token"])
    }

    public func validate(_ settings: ProviderSettings) -> [String: String] {
        TwilioSettings.problems(settings)
    }

    public func addresses(_ settings: ProviderSettings) -> [String] {
        [settings["from"], settings["messaging_service_sid"]].compactMap { $0 }
    }

    public func send(_ sms: OutboundSMS, settings: ProviderSettings) async -> SendOutcome {
        let config: TwilioSettings
        switch TwilioSettings.read(settings) {
        case .success(let c): config = c
        case .failure(let problem): return .permanent(code: "settings", detail: problem.description)
        }
        var form: [(String, String)] = [("To", sms.to), ("Body", sms.body)]
        if let service = config.messagingServiceSid { form.append(("MessagingServiceSid", service)) } else if let from = config.from {
            form.append(("From", from))
        }
        if let callback = sms.statusCallbackURL { form.append(("StatusCallback", callback)) }

        var request = HTTPClientRequest(url: "\(config.apiBaseURL)/2010-04-01/Accounts/\(config.accountSid)/Messages.json")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Basic " + Data("\(config.accountSid):\(config.authToken)".utf8).base64EncodedString())
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .bytes(ByteBuffer(string: FormBody.encode(form)))

        switch await ProviderHTTP.execute(request, on: http, timeout: timeout, provider: "Twilio") {
        case .answered(let status, let body): return TwilioErrors.outcome(status: status, body: body)
        case .failed(let outcome): return outcome
        }
    }
}
