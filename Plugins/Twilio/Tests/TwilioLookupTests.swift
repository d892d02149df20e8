import CrierPluginKit
import FakeTwilio
import Foundation
import Testing

@testable import Twilio

/// Finding a lost text in Twilio's Messages list: recorded list pages (`Recorded/lookups/*.json`)
/// and what each must mean, then the whole lookup over real HTTP against the fake Twilio.
struct TwilioLookupTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let query: SentSMSQuery
        let messagingServiceSid: String?
        let page: Data
        let expect: String
        var testDescription: String { name }
    }

    static let cases: [Case] = {
        let dir = Bundle.module.url(forResource: "Recorded", withExtension: nil)!.appendingPathComponent("lookups")
        let files = try! FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil).filter { $0.pathExtension == "json" }
        return files.sorted { $0.lastPathComponent < $1.lastPathComponent }.map { url in
            let object = try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
            let q = object["query"] as! [String: String]
            let handed = ISO8601DateFormatter().date(from: q["handed_off_at"]!)!
            return Case(
                name: url.deletingPathExtension().lastPathComponent,
                query: SentSMSQuery(messageId: 1, to: q["to"]!, from: "+447700900001", body: q["body"]!, handedOffAt: handed),
                messagingServiceSid: q["messaging_service_sid"], page: try! JSONSerialization.data(withJSONObject: object["page"]!),
                expect: object["expect"] as! String)
        }
    }()

    static func describe(_ answer: SMSLookupAnswer?) -> String {
        switch answer {
        case nil: return "next page"
        case .found(let id, let report)?: return "found \(id) \(report?.rawValue ?? "-")"
        case .notFound?: return "notFound"
        case .failed?: return "failed"
        }
    }

    @Test(arguments: cases)
    func readsARecordedPage(_ c: Case) throws {
        let page = try JSONDecoder().decode(TwilioMessagePage.self, from: c.page)
        #expect(Self.describe(TwilioProvider.match(page, c.query, messagingServiceSid: c.messagingServiceSid)) == c.expect)
    }

    @Test func thereAreRecordings() { #expect(Self.cases.count >= 5) }

    /// A text Twilio took (its answer lost) is found; one it never got is not; bad credentials can't tell.
    @Test func looksUpOverHTTP() async throws {
        let fake = FakeTwilio()
        let provider = TwilioProvider(timeout: .seconds(20))
        // Impatient, but not so much that on a loaded machine a call gives up before it reaches
        // the fake (the next call would then take the first scripted answer).
        let impatient = TwilioProvider(timeout: .seconds(1))
        fake.script(.slow(.seconds(3)), .lost(.seconds(3)))
        let answers = try await fake.run { base in
            let settings = ProviderSettings(["account_sid": fake.accountSid, "auth_token": fake.authToken, "api_base_url": base,
                                             "from": "+447700900001"])
            let handed = Date()
            let taken = OutboundSMS(messageId: 1, to: "+447700900123", from: nil, body: "Hi Ann, see you tomorrow!", statusCallbackURL: nil)
            let never = OutboundSMS(messageId: 2, to: "+447700900124", from: nil, body: "Hi Bo, see you tomorrow!", statusCallbackURL: nil)
            // Both calls time out on our side: their outcomes are unknown.
            let outcomes = [await impatient.send(taken, settings: settings), await impatient.send(never, settings: settings)]
            #expect(outcomes.allSatisfy { if case .unknown = $0 { true } else { false } })
            let query = { (sms: OutboundSMS) in
                SentSMSQuery(messageId: sms.messageId, to: sms.to, from: "+447700900001", body: sms.body, handedOffAt: handed)
            }
            var wrong = settings.values
            wrong["auth_token"] = "nope"
            return [await provider.lookup(query(taken), settings: settings), await provider.lookup(query(never), settings: settings),
                    await provider.lookup(query(taken), settings: ProviderSettings(wrong))]
        }
        #expect(Self.describe(answers[0]) == "found SM00000000000000000000000000000001 sent")
        #expect(Self.describe(answers[1]) == "notFound")
        #expect(Self.describe(answers[2]) == "failed")
        #expect(fake.lookups == 2)  // the refused one is not counted
    }
}
