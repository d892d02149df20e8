import CrierCore
import CrierStore
import CrierTestSupport
import Hummingbird
import Testing

/// Every failure is JSON `{"error": {"code", "message", "fields"?}}` with a consistent status.
struct ErrorShapeTests {
    @Test(arguments: TestEngines.all)
    func malformedBodies(engine: EngineKind) async throws {
        try await APIHarness.run(engine) { api in
            for body in ["{\"first_name\":", "[1,2]", "\"text\"", ""] {
                let reply = try await api.send(.post, "/api/v1/customers", json: body)
                #expect(reply.status == .badRequest, "\(body)")
                #expect(reply.errorCode == "malformed_json")
                #expect(reply["error"]?["message"]?.string?.isEmpty == false)
            }
            let form = try await api.send(.post, "/api/v1/customers", json: "first_name=Ann",
                                          headers: [.contentType: "application/x-www-form-urlencoded"])
            #expect(form.status == .badRequest)
            #expect(form["error"]?["message"]?.string?.contains("send application/json") == true)
            // Without a Content-Type, JSON is still read (curl -d habit).
            let noType = try await api.client.executeRequest(
                uri: "/api/v1/customers", method: .post, headers: [.authorization: "Bearer \(api.key)"],
                body: ByteBuffer(string: #"{"first_name":"A","last_name":"B","mobile":"07700900123"}"#))
            #expect(noType.status == .created)
        }
    }

    @Test(arguments: TestEngines.all)
    func oversizedBodiesAre413AndWriteNothing(engine: EngineKind) async throws {
        try await APIHarness.run(engine) { api in
            let huge = #"{"first_name":"A","last_name":"B","mobile":"07700900123","notes":""# + String(repeating: "x", count: 70_000) + #""}"#
            let reply = try await api.send(.post, "/api/v1/customers", json: huge)
            #expect(reply.status == .contentTooLarge)
            #expect(reply.errorCode == "body_too_large")
            #expect(try await api.get("/api/v1/customers")["items"]?.array.isEmpty == true)
            // Long notes within the body limit are still a field error, not a crash.
            let long = #"{"first_name":"A","last_name":"B","mobile":"07700900123","notes":""# + String(repeating: "x", count: 3000) + #""}"#
            #expect(try await api.send(.post, "/api/v1/customers", json: long).fieldErrors["notes"] == "must be at most 2000 characters")
        }
    }

    @Test(arguments: TestEngines.all)
    func unknownThingsAre404(engine: EngineKind) async throws {
        try await APIHarness.run(engine) { api in
            for uri in ["/api/v1/customers/999", "/api/v1/customers/abc", "/api/v1/events/0", "/api/v1/bookings/-1", "/api/v1/nothing"] {
                let reply = try await api.get(uri)
                #expect(reply.status == .notFound, "\(uri)")
                #expect(reply.errorCode == "not_found")
            }
            let unknownIds = try await api.post("/api/v1/bookings", #"{"customer_id":999,"event_id":998,"seats":1}"#)
            #expect(unknownIds.status == .unprocessableContent)
            let missing = try await api.post("/api/v1/bookings", #"{"seats":1.5}"#)
            #expect(missing.fieldErrors["seats"] == "must be a whole number")
            let wrongMethod = try await api.send(.put, "/api/v1/customers")
            #expect(wrongMethod.status == .methodNotAllowed || wrongMethod.status == .notFound)
            #expect(wrongMethod.errorCode != nil)
        }
    }

    @Test(arguments: TestEngines.all)
    func healthReadyAndMetrics(engine: EngineKind) async throws {
        try await APIHarness.run(engine) { api in
            #expect(try await api.get("/health", key: .some(nil)).status == .ok)
            let ready = try await api.get("/ready", key: .some(nil))
            #expect(ready.status == .ok)
            #expect(ready["database"] == .string(engine.rawValue))
            _ = try await api.get("/api/v1/venue")
            let metrics = try await api.get("/metrics", key: .some(nil))
            #expect(metrics.json.string?.contains(#"crier_http_requests_total{method="GET",route="/api/v1/venue",status="200"} 1"#) == true)
        }
    }
}
