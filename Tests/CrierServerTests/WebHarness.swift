import CrierCore
import CrierPluginKit
import CrierServer
import CrierStore
import CrierTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import Testing
import Twilio

/// A signed-in browser for the staff web form: an owner of a venue, their session cookie and CSRF
/// token, and the real router (HummingbirdTesting) with a dispatcher, on the engine under test.
struct WebHarness: Sendable {
    let client: any TestClientProtocol
    let store: Store
    let venue: Venue
    let owner: StaffUser
    /// The session cookie's value; nil sends no cookie.
    var session: String?
    var csrf: String
    /// The plugins the router was built with.
    var plugins = PluginHost.none(logger: Logger(label: "web-test"))

    /// What a page request got back.
    struct Page: Sendable {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let html: String
        var location: String? { headers[.location] }
        /// How many times `text` occurs in the page.
        func count(_ text: String) -> Int { html.components(separatedBy: text).count - 1 }
    }

    static func run(
        _ engine: EngineKind, clock: ManualClock = ManualClock(testNow), plugins types: [any CrierPlugin.Type] = [],
        environment: [String: String] = [:], _ body: @Sendable (WebHarness) async throws -> Void
    ) async throws {
        let host = try testPluginHost(types, clock: clock, environment: environment)
        try await withTestStore(engine, clock: clock) { store in
            try await host.migrate(store)
            let venue = try await store.makeVenue("crown")
            let onboarding = StaffOnboarding(store: store, cost: 4)
            let owner = try await onboarding.createUser(email: "owner@crown.test", password: "correct horse", venue: venue, role: .owner)
            let dispatcher = try Dispatcher(store: store, providers: [ConsoleProvider(write: { _ in }), TwilioProvider()], publicURL: nil,
                                            logger: Logger(label: "web-test"))
            let app = Application(router: try CrierServer.router(
                store: store, registry: PrometheusCollectorRegistry(), dispatcher: dispatcher, bcryptCost: 4, plugins: host, checkTemplates: true))
            try await app.test(.router) { client in
                var web = try await WebHarness.signedIn(client: client, store: store, venue: venue, user: owner)
                web.plugins = host
                try await body(web)
            }
        }
    }

    /// A harness whose session belongs to `user` (in `venue`).
    static func signedIn(client: any TestClientProtocol, store: Store, venue: Venue, user: StaffUser) async throws -> WebHarness {
        let token = try await store.sessions.start(userId: user.id, venueId: venue.id)
        let csrf = try #require(try await store.sessions.current(token: token)).csrfToken
        return WebHarness(client: client, store: store, venue: venue, owner: user, session: token, csrf: csrf)
    }

    /// Another person on the venue's staff, signed in with their own session.
    func colleague(_ role: Role, email: String) async throws -> WebHarness {
        let member = try await StaffOnboarding(store: store, cost: 4).createUser(
            email: email, password: "another password", venue: venue, role: role)
        var other = try await Self.signedIn(client: client, store: store, venue: venue, user: member)
        other.plugins = plugins
        return other
    }

    func get(_ uri: String) async throws -> Page { try await send(.get, uri, body: nil) }

    /// POSTs a form as a browser would, with this session's CSRF token unless `csrf` says otherwise.
    func post(_ uri: String, _ fields: [(String, String)] = [], csrf: String?? = .none) async throws -> Page {
        var all = fields
        if let token = csrf ?? self.csrf { all.append(("csrf_token", token)) }
        let body = all.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return try await send(.post, uri, body: body)
    }

    func send(_ method: HTTPRequest.Method, _ uri: String, body: String?, cookies: [String: String] = [:]) async throws -> Page {
        var headers: HTTPFields = [.accept: "text/html"]
        var jar = cookies
        if let session { jar["crier_session"] = session }
        if !jar.isEmpty { headers[.cookie] = jar.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        if body != nil { headers[.contentType] = "application/x-www-form-urlencoded" }
        let response = try await client.executeRequest(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        return Page(status: response.status, headers: response.headers, html: String(buffer: response.body))
    }

    /// Uploads a file as a browser's `multipart/form-data` form would, with the CSRF token.
    func upload(_ uri: String, file: [UInt8], filename: String, fields: [(String, String)] = []) async throws -> Page {
        let boundary = "----crier-test-boundary-7MA4YWxkTrZu0gW"
        var body: [UInt8] = []
        for (name, value) in fields + [("csrf_token", csrf)] {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\nContent-Type: text/csv\r\n\r\n".utf8)
        body += file + Array("\r\n--\(boundary)--\r\n".utf8)
        var headers: HTTPFields = [.accept: "text/html", .contentType: "multipart/form-data; boundary=\(boundary)"]
        if let session { headers[.cookie] = "crier_session=\(session)" }
        let response = try await client.executeRequest(uri: uri, method: .post, headers: headers, body: ByteBuffer(bytes: body))
        return Page(status: response.status, headers: response.headers, html: String(buffer: response.body))
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}

/// A plugin host with `types` loaded (all of them enabled, no settings), as `crier serve` builds one.
func testPluginHost(_ types: [any CrierPlugin.Type], clock: any Clock, environment: [String: String] = [:]) throws -> PluginHost {
    var logger = Logger(label: "plugin-test")
    logger.logLevel = .warning
    return try PluginHost.load(
        catalogue: types, selection: PluginSelection(nil, known: types.map { $0.id }), environment: environment, logger: logger, clock: clock,
        http: .shared)
}

extension WebHarness.Page {
    /// Ids of inputs, selects and textareas that no `<label for>` names (hidden inputs need none).
    var unlabelledInputs: [String] {
        let labels = Set(matches(#"<label[^>]*\bfor="([^"]+)""#))
        var missing: [String] = []
        for tag in matches(#"(<(?:input|select|textarea)\b[^>]*>)"#) where !tag.contains(#"type="hidden""#) {
            guard let id = tag.firstMatch(#"\bid="([^"]+)""#) else {
                missing.append(tag)
                continue
            }
            if !labels.contains(id) { missing.append(id) }
        }
        return missing
    }

    /// The first capture group of every match of `pattern`.
    func matches(_ pattern: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
        let range = NSRange(html.startIndex..., in: html)
        return regex.matches(in: html, range: range).compactMap { Range($0.range(at: 1), in: html).map { String(html[$0]) } }
    }
}

extension String {
    /// The first capture group of `pattern` in the string.
    func firstMatch(_ pattern: String) -> String? {
        let regex = try! NSRegularExpression(pattern: pattern)
        guard let match = regex.firstMatch(in: self, range: NSRange(startIndex..., in: self)),
              let range = Range(match.range(at: 1), in: self) else { return nil }
        return String(self[range])
    }
}
