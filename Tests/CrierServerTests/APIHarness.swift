import CrierCore
import CrierServer
import CrierStore
import CrierTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Prometheus
import Testing

/// Two venues, each with a write key, plus a read-only key for the first; requests go through
/// the real router (HummingbirdTesting) on a fresh database of the engine under test.
struct APIHarness: Sendable {
    let client: any TestClientProtocol
    let store: Store
    let venue: Venue
    let key: String
    let otherVenue: Venue
    let otherKey: String
    let readOnlyKey: String

    struct Reply: Sendable {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let json: JSONValue

        subscript(_ key: String) -> JSONValue? {
            if case .object(let o) = json { return o[key] } else { return nil }
        }
        var id: Int64 { if case .number(let n)? = self["id"] { Int64(n) } else { -1 } }
        var errorCode: String? { self["error"]?["code"]?.string }
        var fieldErrors: [String: String] {
            guard case .object(let f)? = self["error"]?["fields"] else { return [:] }
            return f.compactMapValues(\.string)
        }
    }

    static func run(
        _ engine: EngineKind, clock: ManualClock = ManualClock(testNow), _ body: @Sendable (APIHarness) async throws -> Void
    ) async throws {
        try await withTestStore(engine, clock: clock) { store in
            let venue = try await store.makeVenue("crown")
            let other = try await store.makeVenue("anchor")
            let key = try await store.apiKeys.create(venueId: venue.id, name: "test", scope: .write, actor: .system).secret
            let otherKey = try await store.apiKeys.create(venueId: other.id, name: "test", scope: .write, actor: .system).secret
            let readOnly = try await store.apiKeys.create(venueId: venue.id, name: "reports", scope: .read, actor: .system).secret
            let app = Application(router: try CrierServer.router(store: store, registry: PrometheusCollectorRegistry()))
            try await app.test(.router) { client in
                try await body(APIHarness(
                    client: client, store: store, venue: venue, key: key, otherVenue: other, otherKey: otherKey,
                    readOnlyKey: readOnly))
            }
        }
    }

    /// Sends a request; `json` is sent as the body with Content-Type application/json.
    @discardableResult
    func send(_ method: HTTPRequest.Method, _ uri: String, json: String? = nil, key: String?? = .none,
              headers: HTTPFields = [:]) async throws -> Reply {
        var fields = headers
        if let key = key ?? self.key { fields[.authorization] = "Bearer \(key)" }
        if json != nil, fields[.contentType] == nil { fields[.contentType] = "application/json" }
        let response = try await client.executeRequest(
            uri: uri, method: method, headers: fields, body: json.map { ByteBuffer(string: $0) })
        let data = Data(buffer: response.body)
        let value = data.isEmpty ? JSONValue.null : ((try? JSONDecoder().decode(JSONValue.self, from: data)) ?? .string(String(decoding: data, as: UTF8.self)))
        return Reply(status: response.status, headers: response.headers, json: value)
    }

    func get(_ uri: String, key: String?? = .none) async throws -> Reply { try await send(.get, uri, key: key) }
    func post(_ uri: String, _ json: String, key: String?? = .none) async throws -> Reply { try await send(.post, uri, json: json, key: key) }
    func patch(_ uri: String, _ json: String, key: String?? = .none) async throws -> Reply { try await send(.patch, uri, json: json, key: key) }
    func delete(_ uri: String, key: String?? = .none) async throws -> Reply { try await send(.delete, uri, key: key) }

    /// Creates a customer through the API and returns its id.
    func customer(_ first: String = "Ann", _ last: String = "Lee", mobile: String = "07700 900123", key: String?? = .none) async throws -> Int64 {
        let reply = try await post("/api/v1/customers", #"{"first_name":"\#(first)","last_name":"\#(last)","mobile":"\#(mobile)"}"#, key: key)
        #expect(reply.status == .created, "\(reply.json)")
        return reply.id
    }

    /// Creates an event through the API and returns its id.
    func event(_ name: String = "Quiz", startsAt: String = "2026-12-05T19:30", capacity: String = "null", key: String?? = .none) async throws -> Int64 {
        let reply = try await post("/api/v1/events", #"{"name":"\#(name)","starts_at":"\#(startsAt)","capacity":\#(capacity)}"#, key: key)
        #expect(reply.status == .created, "\(reply.json)")
        return reply.id
    }

    /// Books and returns the booking id.
    func booking(customer: Int64, event: Int64, seats: Int, key: String?? = .none) async throws -> Int64 {
        let reply = try await post("/api/v1/bookings", #"{"customer_id":\#(customer),"event_id":\#(event),"seats":\#(seats)}"#, key: key)
        #expect(reply.status == .created, "\(reply.json)")
        return reply.id
    }
}

extension JSONValue {
    subscript(_ key: String) -> JSONValue? { if case .object(let o) = self { return o[key] } else { return nil } }
    var string: String? { if case .string(let s) = self { s } else { nil } }
    var int: Int? { if case .number(let n) = self { Int(n) } else { nil } }
    var array: [JSONValue] { if case .array(let a) = self { a } else { [] } }
}
