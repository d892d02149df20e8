import AsyncHTTPClient
import CrierPluginKit
import Foundation
import NIOCore

/// Finds a text Crier lost track of in Twilio's records: `GET .../Messages.json?To=&From=`
/// (newest first), matched on the body and a creation time no earlier than the hand-off (less
/// five minutes of clock skew). With a messaging service, `From` is the pool's number, so only
/// `To` filters and the service's sid must match. Reads at most three pages.
extension TwilioProvider: SMSLookup {
    static let skew: TimeInterval = 300

    public func lookup(_ query: SentSMSQuery, settings: ProviderSettings) async -> SMSLookupAnswer {
        let config: TwilioSettings
        switch TwilioSettings.read(settings) {
        case .success(let c): config = c
        case .failure(let problem): return .failed(detail: problem.description)
        }
        var filter: [(String, String)] = [("To", query.to), ("PageSize", "50")]
        if config.messagingServiceSid == nil, let from = config.from { filter.append(("From", from)) }
        var next: String? = "/2010-04-01/Accounts/\(config.accountSid)/Messages.json?" + FormBody.encode(filter)
        for _ in 0..<3 {
            guard let path = next else { break }
            var request = HTTPClientRequest(url: config.apiBaseURL + path)
            request.headers.add(name: "Authorization", value: "Basic " + Data("\(config.accountSid):\(config.authToken)".utf8).base64EncodedString())
            request.headers.add(name: "Accept", value: "application/json")
            let status: UInt, body: Data
            switch await ProviderHTTP.execute(request, on: http, timeout: timeout, provider: "Twilio") {
            case .answered(let s, let b): (status, body) = (s, b)
            case .failed(let outcome): return .failed(detail: "\(outcome)")
            }
            guard status == 200, let page = try? JSONDecoder().decode(TwilioMessagePage.self, from: body) else {
                return .failed(detail: "Twilio answered \(status) to a message lookup")
            }
            if let answer = Self.match(page, query, messagingServiceSid: config.messagingServiceSid) { return answer }
            next = page.nextPageUri
        }
        return .notFound
    }
}

extension TwilioProvider {
    /// What one page of the list says about the lost text: found, not there (the page reached
    /// texts older than the hand-off), or nil to read the next page.
    static func match(_ page: TwilioMessagePage, _ query: SentSMSQuery, messagingServiceSid: String?) -> SMSLookupAnswer? {
        let since = query.handedOffAt.addingTimeInterval(-skew)
        for m in page.messages {
            guard let created = m.dateCreated.flatMap(TwilioMessagePage.date) else { continue }
            // Newest first: past the hand-off, nothing older can be it.
            if created < since { return .notFound }
            let sameSender = messagingServiceSid.map { $0 == m.messagingServiceSid } ?? true
            if m.to == query.to, m.body == query.body, sameSender, m.direction?.hasPrefix("outbound") ?? true {
                return .found(providerMessageId: m.sid, report: reports[m.status?.lowercased() ?? ""])
            }
        }
        return page.nextPageUri == nil ? .notFound : nil
    }
}

/// One page of Twilio's Messages list, as much of it as a lookup reads.
struct TwilioMessagePage: Decodable {
    struct Entry: Decodable {
        var sid: String
        var to: String?
        var body: String?
        var status: String?
        var direction: String?
        var dateCreated: String?
        var messagingServiceSid: String?

        enum CodingKeys: String, CodingKey {
            case sid, to, body, status, direction
            case dateCreated = "date_created", messagingServiceSid = "messaging_service_sid"
        }
    }

    var messages: [Entry]
    var nextPageUri: String?

    enum CodingKeys: String, CodingKey {
        case messages
        case nextPageUri = "next_page_uri"
    }

    /// Twilio's dates are RFC 2822: "Wed, 18 Aug 2010 20:01:40 +0000".
    static func date(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.date(from: text)
    }
}
