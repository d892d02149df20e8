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
        case slow(Duration)
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
    private let state = Mutex<(script: [Behaviour], received: [Received], count: Int)>(([], [], 0))

    public init(accountSid: String = "AC" + String(repeating: "a", count: 32), authToken: String = "secret-token") {
        self.accountSid = accountSid
        self.authToken = authToken
    }

    /// Queues behaviours for the next requests; after them every request is accepted.
    public func script(_ behaviours: Behaviour...) { state.withLock { $0.script += behaviours } }

    public var received: [Received] { state.withLock { $0.received } }

    /// Runs the server on a free loopback port for the duration of `body`, which gets its base URL.
    public func run<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let router = Router()
        router.post("2010-04-01/Accounts/:sid/Messages.json") { request, context in
            try await self.answer(request, sid: context.parameters.get("sid") ?? "")
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
        switch behaviour {
        case .accept:
            let sid = "SM" + String(format: "%032x", n)
            let body = form["Body"] ?? ""
            let segments = body.count <= 160 ? 1 : (body.count + 152) / 153
            return json(201, Accepted(
                sid: sid, account_sid: accountSid, to: form["To"] ?? "", from: form["From"], messaging_service_sid: form["MessagingServiceSid"],
                body: body, num_segments: String(segments)))
        case .error(let status, let code, let message):
            return json(status, Failure(code: code, message: message, status: status))
        case .bare(let status):
            return Response(status: .init(code: status))
        case .slow(let delay):
            try await Task.sleep(for: delay)
            return json(201, Accepted(sid: "SM" + String(format: "%032x", n), account_sid: accountSid, to: form["To"] ?? "",
                                      from: form["From"], messaging_service_sid: form["MessagingServiceSid"], body: form["Body"] ?? "",
                                      num_segments: "1"))
        }
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
