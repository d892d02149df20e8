import CrierPluginKit
import Foundation
import Hummingbird
import LoopbackServer
import Synchronization

/// A stand-in for Twilio's Messages API on loopback, for tests: it checks Basic auth, records every
/// request, and answers from a script of behaviours (accept, an error code, a slow answer) so the
/// Twilio plugin is exercised over real HTTP.
public final class FakeTwilio: Sendable {
    /// How the next request is answered.
    public enum Behaviour: Sendable {
        case accept
        /// An error answer like Twilio's: HTTP status with `{"code", "message", "more_info", "status"}`.
        case error(status: Int, code: Int, message: String)
        /// A bare HTTP status with an empty body (a proxy's 502, say).
        case bare(status: Int)
        /// Answers only after this long (longer than the client's timeout: the outcome is unknown).
        /// The message is created at once, as Twilio would, so a lookup finds it.
        case slow(Duration)
        /// Takes this long and creates nothing: the request never really arrived.
        case lost(Duration)
    }

    /// A message Twilio holds, as its Messages list shows it.
    public struct Created: Sendable {
        public var sid: String
        public var to: String
        public var from: String?
        public var messagingServiceSid: String?
        public var body: String
        public var createdAt: Date
    }

    /// One request as received.
    public struct Received: Sendable {
        public var path: String
        public var authorized: Bool
        public var form: [String: String]
    }

    public let accountSid: String
    public let authToken: String
    private let encoder = JSONEncoder()
    private let state = Mutex<(script: [Behaviour], received: [Received], count: Int, created: [Created], lookups: Int)>(([], [], 0, [], 0))

    public init(accountSid: String = "AC" + String(repeating: "a", count: 32), authToken: String = "secret-token") {
        self.accountSid = accountSid
        self.authToken = authToken
    }

    /// Queues behaviours for the next requests; after them every request is accepted.
    public func script(_ behaviours: Behaviour...) { state.withLock { $0.script += behaviours } }

    public var received: [Received] { state.withLock { $0.received } }
    /// Messages it holds, oldest first.
    public var created: [Created] { state.withLock { $0.created } }
    /// How many list requests it answered.
    public var lookups: Int { state.withLock { $0.lookups } }

    /// Runs the server on a free loopback port for the duration of `body`, which gets its base URL.
    public func run<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let router = Router()
        router.post("2010-04-01/Accounts/:sid/Messages.json") { request, context in
            try await self.answer(request, sid: context.parameters.get("sid") ?? "")
        }
        router.get("2010-04-01/Accounts/:sid/Messages.json") { request, context in
            self.list(request, sid: context.parameters.get("sid") ?? "")
        }
        return try await withLoopbackServer(router, body)
    }

    private func answer(_ request: Request, sid: String) async throws -> Response {
        let body = try await request.body.collect(upTo: 1 << 20)
        let form = Dictionary(FormBody.decode(body.readableBytesView), uniquingKeysWith: { _, last in last })
        let expected = "Basic " + Data("\(accountSid):\(authToken)".utf8).base64EncodedString()
        let authorized = request.headers[.authorization] == expected && sid == accountSid
        let (behaviour, n) = state.withLock { s -> (Behaviour, Int) in
            s.received.append(Received(path: request.uri.path, authorized: authorized, form: form))
            s.count += 1
            return (s.script.isEmpty ? .accept : s.script.removeFirst(), s.count)
        }
        guard authorized else {
            return json(401, Failure(code: 20003, message: "Authenticate", status: 401))
        }
        let sid = "SM" + String(format: "%032x", n)
        switch behaviour {
        case .accept, .slow: store(Created(sid: sid, to: form["To"] ?? "", from: form["From"], messagingServiceSid: form["MessagingServiceSid"],
                                           body: form["Body"] ?? "", createdAt: Date()))
        default: break
        }
        switch behaviour {
        case .accept:
            let body = form["Body"] ?? ""
            let segments = body.count <= 160 ? 1 : (body.count + 152) / 153
            return json(201, Accepted(
                sid: sid, account_sid: accountSid, to: form["To"] ?? "", from: form["From"], messaging_service_sid: form["MessagingServiceSid"],
                body: body, num_segments: String(segments)))
        case .error(let status, let code, let message):
            return json(status, Failure(code: code, message: message, status: status))
        case .bare(let status):
            return Response(status: .init(code: status))
        case .lost(let delay):
            try await Task.sleep(for: delay)
            return Response(status: .badGateway)
        case .slow(let delay):
            try await Task.sleep(for: delay)
            return json(201, Accepted(sid: sid, account_sid: accountSid, to: form["To"] ?? "",
                                      from: form["From"], messaging_service_sid: form["MessagingServiceSid"], body: form["Body"] ?? "",
                                      num_segments: "1"))
        }
    }

    private func store(_ message: Created) { state.withLock { $0.created.append(message) } }

    /// `GET Messages.json?To=&From=&PageSize=`: newest first, one page (no `next_page_uri`).
    private func list(_ request: Request, sid: String) -> Response {
        let expected = "Basic " + Data("\(accountSid):\(authToken)".utf8).base64EncodedString()
        guard request.headers[.authorization] == expected && sid == accountSid else {
            return json(401, Failure(code: 20003, message: "Authenticate", status: 401))
        }
        let query = request.uri.queryParameters
        let to = query.get("To").map { String($0) }, from = query.get("From").map { String($0) }
        let size = query.get("PageSize").flatMap { Int(String($0)) } ?? 50
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        let matching = state.withLock { s -> [Created] in
            s.lookups += 1
            return s.created.filter { (to == nil || $0.to == to) && (from == nil || $0.from == from) }.reversed()
        }
        let page = matching.prefix(size).map { m in
            Listed(sid: m.sid, to: m.to, from: m.from, messaging_service_sid: m.messagingServiceSid, body: m.body,
                   date_created: formatter.string(from: m.createdAt))
        }
        return json(200, ListPage(messages: Array(page), next_page_uri: nil, page_size: size))
    }

    /// A message in a list page.
    struct Listed: Encodable {
        var sid, to: String
        var from, messaging_service_sid: String?
        var body: String
        var status = "sent"
        var direction = "outbound-api"
        var date_created: String
    }

    struct ListPage: Encodable {
        var messages: [Listed]
        var next_page_uri: String?
        var page_size: Int
    }

    /// A created message, shaped like Twilio's (nulls written out, `num_segments` a string).
    struct Accepted: Encodable {
        var sid, account_sid, to: String
        var from, messaging_service_sid: String?
        var body: String
        var status = "queued"
        var num_segments: String
        var direction = "outbound-api"
        var api_version = "2010-04-01"
        var error_code: Int? = nil
        var error_message: String? = nil

        enum CodingKeys: CodingKey {
            case sid, account_sid, to, from, messaging_service_sid, body, status, num_segments, direction, api_version, error_code, error_message
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(sid, forKey: .sid)
            try c.encode(account_sid, forKey: .account_sid)
            try c.encode(to, forKey: .to)
            try c.encode(from, forKey: .from)
            try c.encode(messaging_service_sid, forKey: .messaging_service_sid)
            try c.encode(body, forKey: .body)
            try c.encode(status, forKey: .status)
            try c.encode(num_segments, forKey: .num_segments)
            try c.encode(direction, forKey: .direction)
            try c.encode(api_version, forKey: .api_version)
            try c.encode(error_code, forKey: .error_code)
            try c.encode(error_message, forKey: .error_message)
        }
    }

    /// An error answer, shaped like Twilio's.
    struct Failure: Encodable {
        var code: Int
        var message: String
        var more_info: String
        var status: Int
        init(code: Int, message: String, status: Int) {
            self.code = code
            self.message = message
            self.more_info = "https://www.twilio.com/docs/errors/\(code)"
            self.status = status
        }
    }

    private func json(_ status: Int, _ object: some Encodable) -> Response {
        // One encoder per server: making one per answer showed up in the dispatch benchmark.
        let data = (try? encoder.encode(object)) ?? Data()
        return Response(status: .init(code: status), headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
