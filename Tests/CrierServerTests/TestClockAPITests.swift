import CrierCore
import CrierServer
import CrierStore
import CrierTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import Testing

/// The public path an outside test takes: book over the API, move the test clock, read `/messages`.
struct TestClockAPITests {
    @Test(arguments: TestEngines.all)
    func aBookingTenDaysAheadGetsExactlyOneOfEachThroughTheAPI(engine: EngineKind) async throws {
        let clock = ManualClock(testNow)
        try await withTestStore(engine, clock: clock) { store in
            let venue = try await store.makeVenue()
            let key = try await store.apiKeys.create(venueId: venue.id, name: "t", scope: .write, actor: .system).secret
            let provider = ScriptedProvider()
            let dispatcher = try Dispatcher(store: store, providers: [provider], publicURL: nil, logger: Logger(label: "t"))
            let app = Application(router: try CrierServer.router(
                store: store, registry: PrometheusCollectorRegistry(), dispatcher: dispatcher, testClock: clock))
            try await app.test(.router) { client in
                let api = APIClient(client: client, key: key)
                #expect(try await api.get("/api/v1/test-clock")["now"] == "2026-11-21T12:00:00Z")
                let c = try await api.post("/api/v1/customers", #"{"first_name":"Ann","last_name":"Lee","mobile":"07700900123"}"#)
                let e = try await api.post("/api/v1/events", #"{"name":"Quiz","starts_at":"2026-12-01T19:30"}"#)
                let b = try await api.post("/api/v1/bookings", #"{"customer_id":\#(c.id),"event_id":\#(e.id),"seats":2}"#)
                let moved = try await api.post("/api/v1/test-clock", #"{"now":"2026-11-21T12:00:01Z"}"#)
                #expect(moved["dispatched"]?["sent"] == 1)
                for now in ["2026-11-24T19:30:00Z", "2026-11-30T19:30:00Z", "2026-12-02T00:00:00Z"] {
                    _ = try await api.post("/api/v1/test-clock", #"{"now":"\#(now)"}"#)
                }
                let list = try await api.get("/api/v1/messages?booking_id=\(b.id)")["items"]?.array ?? []
                #expect(list.map { "\($0["kind"]?.string ?? "") \($0["status"]?.string ?? "")" } ==
                        ["reminder_24h sent", "reminder_7d sent", "confirmation sent"])
                #expect(provider.sent.count == 3)
                let one = try await api.get("/api/v1/messages/\(list[2]["id"]?.int ?? 0)")
                #expect(one["attempt_log"]?.array.first?["outcome"] == "accepted")
                #expect(one["body"]?.string?.contains("Quiz on Tue 1 Dec, 7:30pm") == true)

                let back = try await api.post("/api/v1/test-clock", #"{"now":"2026-11-01T00:00:00Z"}"#)
                #expect(back.status == .conflict)
                #expect(try await api.get("/api/v1/messages?status=nonsense").status == .unprocessableContent)
            }
        }
    }

    @Test(arguments: TestEngines.all)
    func withoutTheFlagTheTestClockDoesNotExist(engine: EngineKind) async throws {
        try await APIHarness.run(engine) { api async throws -> Void in
            #expect(try await api.get("/api/v1/test-clock").status == .notFound)
            #expect(try await api.post("/api/v1/test-clock", #"{"now":"2030-01-01T00:00:00Z"}"#).status == .notFound)
        }
    }
}

/// A minimal authenticated client over a HummingbirdTesting client.
struct APIClient {
    let client: any TestClientProtocol
    let key: String

    func get(_ uri: String) async throws -> APIHarness.Reply { try await send(.get, uri, nil) }
    func post(_ uri: String, _ json: String) async throws -> APIHarness.Reply { try await send(.post, uri, json) }

    func send(_ method: HTTPRequest.Method, _ uri: String, _ json: String?) async throws -> APIHarness.Reply {
        let response = try await client.executeRequest(
            uri: uri, method: method, headers: [.authorization: "Bearer \(key)", .contentType: "application/json"],
            body: json.map { ByteBuffer(string: $0) })
        let data = Data(buffer: response.body)
        return APIHarness.Reply(status: response.status, headers: response.headers,
                                json: (try? JSONDecoder().decode(JSONValue.self, from: data)) ?? .null)
    }
}
