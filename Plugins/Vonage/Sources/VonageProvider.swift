import AsyncHTTPClient
import CrierCore
import CrierPluginKit
import Foundation
import NIOCore

/// Sends SMS through Vonage's SMS API: `POST {api_base_url}/sms/json`, form fields api_key and
/// api_secret (or a `sig` made with the signature secret), from, to, text, type, callback and
/// client-ref (Crier's message id, echoed in delivery receipts).
public struct VonageProvider: SMSProvider {
    public let id = "vonage"
    let http: HTTPClient
    let timeout: TimeAmount
    /// When a signed request was made (its `timestamp`): injected so tests can pin it.
    let now: @Sendable () -> Date

    public init(http: HTTPClient = .shared, timeout: TimeAmount = .seconds(10), now: @escaping @Sendable () -> Date = Date.init) {
        self.http = http
        self.timeout = timeout
        self.now = now
    }

    public var settingKeys: (all: Set<String>, secret: Set<String>) {
        (["api_key", "api_secret", "signature_secret", "signature_method", "from", "api_base_url", "public_url"],
         ["api_secret", "signature_secret"])
    }

    public func validate(_ settings: ProviderSettings) -> [String: String] { VonageSettings.problems(settings) }

    public func addresses(_ settings: ProviderSettings) -> [String] {
        [settings["from"]].compactMap { $0 }.map(VonageSettings.bare)
    }

    public func send(_ sms: OutboundSMS, settings: ProviderSettings) async -> SendOutcome {
        let config: VonageSettings
        switch VonageSettings.read(settings) {
        case .success(let c): config = c
        case .failure(let problem): return .permanent(code: "settings", detail: problem.description)
        }
        var form: [(String, String)] = [
            ("api_key", config.apiKey), ("from", VonageSettings.bare(config.from)), ("to", VonageSettings.bare(sms.to)), ("text", sms.body),
            ("client-ref", String(sms.messageId)),
        ]
        // GSM-7 text goes as "text"; anything else must be "unicode" or it arrives as question marks.
        if SMSMeasurement(sms.body).encoding == .ucs2 { form.append(("type", "unicode")) }
        if let callback = sms.statusCallbackURL { form.append(("callback", callback)) }
        if let secret = config.apiSecret {
            form.append(("api_secret", secret))
        } else if let secret = config.signatureSecret {
            form.append(("timestamp", String(Int(now().timeIntervalSince1970))))
            form.append(("sig", VonageSignature.compute(form, secret: secret, method: config.signatureMethod)))
        }
        var request = HTTPClientRequest(url: "\(config.apiBaseURL)/sms/json")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .bytes(ByteBuffer(string: FormBody.encode(form)))
        switch await ProviderHTTP.execute(request, on: http, timeout: timeout, provider: "Vonage") {
        case .answered(let status, let body): return VonageErrors.outcome(status: status, body: body)
        case .failed(let outcome): return outcome
        }
    }
}
