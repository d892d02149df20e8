import Contacts
import CrierCore
import CrierServer
import CrierStore
import CrierTestSupport
import Exports
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import Telnyx
import Testing
import Timeline
import Twilio
import Vonage

/// The OpenAPI document is made from the routes: every route outside the staff web form is in it,
/// with its path parameters described, and nothing is in it that the router lacks.
struct APIDescriptionTests {
    /// The web form's pages are HTML for staff, not the API; everything else must be described.
    static func isAPI(_ path: String) -> Bool {
        path.hasPrefix("/api/") || path.hasPrefix("/webhooks/") || ["/health", "/ready", "/metrics"].contains(path)
    }

    static func apiRoutes(_ router: Router<CrierRequestContext>) -> Set<String> {
        Set(router.routes.filter { $0.method != .head && isAPI($0.path.description) }
            .map { "\($0.method.rawValue.lowercased()) \($0.path.description)" })
    }

    @Test(arguments: TestEngines.all)
    func everyRouteIsDescribedAndEveryDescriptionIsARoute(engine: EngineKind) async throws {
        let clock = ManualClock(testNow)
        try await withTestStore(engine, clock: clock) { store in
            let host = try testPluginHost([TwilioPlugin.self, VonagePlugin.self, TelnyxPlugin.self, ContactsPlugin.self, TimelinePlugin.self,
                                           ExportsPlugin.self], clock: clock)
            try await host.migrate(store)
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let dispatcher = try Dispatcher(store: store, providers: host.providers, publicURL: "https://crier.example", logger: logger)
            let router = try CrierServer.router(
                store: store, registry: PrometheusCollectorRegistry(), dispatcher: dispatcher, testClock: clock, plugins: host)
            let routes = Self.apiRoutes(router)
            let described = try await Application(router: router).test(.router) { client in
                let reply = try await client.execute(uri: "/api/v1/openapi.json", method: .get)
                #expect(reply.status == .ok)
                let document = try JSONDecoder().decode(JSONValue.self, from: Data(buffer: reply.body))
                guard case .object(let paths)? = document["paths"] else { Issue.record("no paths"); return Set<String>() }
                var described: Set<String> = []
                var ids: [String] = []
                for (path, item) in paths {
                    guard case .object(let operations) = item else { continue }
                    for (method, operation) in operations {
                        described.insert("\(method) \(path)")
                        ids.append(operation["operationId"]?.stringValue ?? "")
                        let inPath = Set(path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) })
                        var named: Set<String> = []
                        if case .array(let parameters)? = operation["parameters"] {
                            for p in parameters where p["in"]?.stringValue == "path" { named.insert(p["name"]?.stringValue ?? "") }
                        }
                        #expect(named == inPath, "\(method) \(path): path parameters \(named) vs \(inPath)")
                        #expect(operation["summary"]?.stringValue?.isEmpty == false, "\(method) \(path) has no summary")
                        guard case .object(let responses)? = operation["responses"] else { Issue.record("\(method) \(path): no responses"); continue }
                        if operation["requestBody"] != nil {
                            #expect(responses["413"] != nil, "\(method) \(path) takes a body but does not list 413")
                        }
                    }
                }
                #expect(routes.subtracting(described).sorted() == [], "routes missing from the document")
                #expect(described.subtracting(routes).sorted() == [], "described but not routed")
                #expect(Set(ids).count == ids.count && !ids.contains(""), "operationIds must be unique: \(ids.sorted())")
                // The plugins' routes are there, under their own ids.
                #expect(described.contains("get /api/v1/plugins/contacts/contacts/{customer_id}"))
                #expect(ids.contains("timeline.addTimelineNote"))
                // A JSON body can be malformed: listed wherever one is taken.
                let create = try #require(paths["/api/v1/events"]?["post"]?["responses"])
                #expect(create["400"] != nil && create["422"] != nil && create["401"] != nil && create["403"] != nil)
                // `limit` is a number, and POST /events does not offer `status`, which it refuses.
                let list = try #require(paths["/api/v1/customers"]?["get"]?["parameters"])
                guard case .array(let parameters) = list else { Issue.record("no parameters"); return described }
                #expect(parameters.first { $0["name"]?.stringValue == "limit" }?["schema"]?["type"]?.stringValue == "integer")
                #expect(document["components"]?["schemas"]?["EventInput"]?["properties"]?["status"] == nil)

                let docs = try await client.execute(uri: "/api/docs", method: .get)
                #expect(docs.status == .ok)
                let html = String(buffer: docs.body)
                #expect(html.contains("/api/v1/plugins/timeline/customers/{customer_id}/notes") && html.contains("createBooking"))
                #expect(!html.contains("http://") && !html.contains("https://"), "the page loads nothing from outside")
                return described
            }
            // The check sees a route added around the documented way.
            router.get("api/v1/undocumented") { _, _ in "" }
            #expect(Self.apiRoutes(router).subtracting(described) == ["get /api/v1/undocumented"])
        }
    }
}
