import CrierCore
import CrierServer
import CrierStore
import CrierTestSupport
import Hummingbird
import HummingbirdTesting
import Prometheus
import Testing

/// Every answer, errors and unknown routes included, says nosniff and a same-origin Referrer-Policy;
/// API answers are never cached; HSTS is sent only when Crier is reached over https.
struct SecurityHeaderTests {
    @Test(arguments: TestEngines.all)
    func everyAnswerCarriesThemAndAPIAnswersAreNotStored(engine: EngineKind) async throws {
        try await APIHarness.run(engine) { api in
            let answers: [(String, APIHarness.Reply)] = [
                ("list", try await api.get("/api/v1/customers")),
                ("no key", try await api.get("/api/v1/customers", key: .some(nil))),
                ("another venue's id", try await api.get("/api/v1/customers/999999")),
                ("bad body", try await api.send(.post, "/api/v1/customers", json: "{")),
                ("unknown API route", try await api.get("/api/v1/nothing-here")),
                ("description", try await api.get("/api/v1/openapi.json", key: .some(nil))),
            ]
            for (name, reply) in answers {
                #expect(reply.headers[.init("X-Content-Type-Options")!] == "nosniff", "\(name)")
                #expect(reply.headers[.init("Referrer-Policy")!] == "same-origin", "\(name)")
                #expect(reply.headers[.cacheControl] == "no-store", "\(name)")
                #expect(reply.headers[.init("Strict-Transport-Security")!] == nil, "\(name): plain http")
            }
            for uri in ["/login", "/health", "/no-such-page", "/static/crier.css"] {
                let reply = try await api.get(uri, key: .some(nil))
                #expect(reply.headers[.init("X-Content-Type-Options")!] == "nosniff", "\(uri)")
                #expect(reply.headers[.init("Referrer-Policy")!] == "same-origin", "\(uri)")
            }
            // Behind a TLS-terminating proxy, browsers are told to stay on https.
            let proxied = try await api.send(.get, "/login", key: .some(nil), headers: [.init("X-Forwarded-Proto")!: "https"])
            #expect(proxied.headers[.init("Strict-Transport-Security")!] == "max-age=31536000; includeSubDomains")
        }
    }

    @Test(arguments: TestEngines.all)
    func anHTTPSPublicURLMeansHSTSEverywhere(engine: EngineKind) async throws {
        try await withTestStore(engine) { store in
            let app = Application(router: try CrierServer.router(
                store: store, registry: PrometheusCollectorRegistry(), publicURL: "https://crier.example"))
            try await app.test(.router) { client in
                for uri in ["/login", "/api/v1/customers", "/nowhere"] {
                    let response = try await client.executeRequest(uri: uri, method: .get, headers: [:], body: nil)
                    #expect(response.headers[.init("Strict-Transport-Security")!] == "max-age=31536000; includeSubDomains", "\(uri)")
                }
            }
        }
    }
}
