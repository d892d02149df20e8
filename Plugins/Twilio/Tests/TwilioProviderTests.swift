import CrierPluginKit
import FakeTwilio
import Foundation
import NIOCore
import Testing

@testable import Twilio

/// The Twilio plugin over real HTTP against the fake Twilio server.
struct TwilioProviderTests {
    /// A generous timeout: tests run in parallel on a small machine, and only the slow case should time out.
    let provider = TwilioProvider(timeout: .seconds(20))
    let sms = OutboundSMS(messageId: 42, to: "+447700900123", from: nil, body: "Fish & Chips at 7:30pm? 🎉",
                          statusCallbackURL: "https://crier.example/webhooks/twilio/status?message_id=42")

    func settings(_ fake: FakeTwilio, _ base: String, extra: [String: String] = ["from": "+447700900001"]) -> ProviderSettings {
        ProviderSettings(["account_sid": fake.accountSid, "auth_token": fake.authToken, "api_base_url": base].merging(extra) { $1 })
    }

    @Test func sendsTheMessagesAPIRequest() async throws {
        let fake = FakeTwilio()
        try await fake.run { base in
            let outcome = await provider.send(sms, settings: settings(fake, base))
            #expect(outcome == .accepted(providerMessageId: "SM00000000000000000000000000000001", segments: 1))
        }
        let request = try #require(fake.received.first)
        #expect(request.authorized)
        #expect(request.path == "/2010-04-01/Accounts/\(fake.accountSid)/Messages.json")
        #expect(request.form == ["To": "+447700900123", "From": "+447700900001", "Body": "Fish & Chips at 7:30pm? 🎉",
                                 "StatusCallback": "https://crier.example/webhooks/twilio/status?message_id=42"])
    }

    @Test func aMessagingServiceReplacesFrom() async throws {
        let fake = FakeTwilio()
        let service = "MG" + String(repeating: "b", count: 32)
        try await fake.run { base in
            _ = await provider.send(sms, settings: settings(fake, base, extra: ["messaging_service_sid": service]))
        }
        #expect(fake.received.first?.form["MessagingServiceSid"] == service)
        #expect(fake.received.first?.form["From"] == nil)
    }

    @Test func failuresOnDemand() async throws {
        let fake = FakeTwilio()
        fake.script(
            .bare(status: 500), .error(status: 429, code: 20429, message: "Too Many Requests"),
            .error(status: 400, code: 21610, message: "Attempt to send to unsubscribed recipient"),
            .error(status: 400, code: 21211, message: "The 'To' number is not a valid phone number."),
            .slow(.seconds(3)))
        let impatient = TwilioProvider(timeout: .milliseconds(500))
        let outcomes = try await fake.run { base in
            var outcomes: [String] = []
            for _ in 0..<4 { outcomes.append(TwilioErrorTableTests.describe(await provider.send(sms, settings: settings(fake, base)))) }
            // The request reached Twilio but the answer didn't come back in time: outcome unknown.
            outcomes.append(TwilioErrorTableTests.describe(await impatient.send(sms, settings: settings(fake, base))))
            return outcomes
        }
        #expect(outcomes == ["retryable http_500", "retryable 20429", "optedOut 21610", "permanent 21211", "unknown"])
    }

    @Test func wrongCredentialsAreRetryableUntilFixed() async throws {
        let fake = FakeTwilio()
        let outcome = try await fake.run { base in
            await provider.send(sms, settings: ProviderSettings([
                "account_sid": fake.accountSid, "auth_token": "wrong", "from": "+447700900001", "api_base_url": base]))
        }
        #expect(TwilioErrorTableTests.describe(outcome) == "retryable 20003")
    }

    @Test func nothingListeningIsRetryable() async throws {
        // A port with nothing on it: the request never left, so trying again is safe.
        let outcome = await provider.send(sms, settings: ProviderSettings([
            "account_sid": "AC" + String(repeating: "a", count: 32), "auth_token": "t", "from": "+447700900001",
            "api_base_url": "http://127.0.0.1:9"]))
        #expect(TwilioErrorTableTests.describe(outcome) == "retryable connect")
    }

    @Test func settingsAreChecked() {
        #expect(provider.validate(ProviderSettings([:])) == [
            "account_sid": "is required", "auth_token": "is required", "from": "is required (or messaging_service_sid)"])
        #expect(provider.validate(ProviderSettings(["account_sid": "AC123", "auth_token": "x", "from": "+1", "api_base_url": "ftp://x"]))
                == ["account_sid": "must be AC followed by 32 hex digits", "api_base_url": "must be an http(s) URL"])
        let masked = provider.masked(ProviderSettings(["auth_token": "abcdef123456", "from": "+447700900001"]))
        #expect(masked == ["auth_token": "…3456", "from": "+447700900001"])
    }
}
