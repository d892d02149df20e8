import CrierCore
import CrierStore
import CrierTestSupport
import Hummingbird
import Testing

struct AuthAndIsolationTests {
    @Test(arguments: TestEngines.all)
    func keysAreRequiredAndChecked(engine: EngineKind) async throws {
        try await APIHarness.run(engine) { api in
            let none = try await api.get("/api/v1/customers", key: .some(nil))
            #expect(none.status == .unauthorized)
            #expect(none.errorCode == "unauthorized")
            #expect(none.headers[.wwwAuthenticate] == "Bearer realm=\"crier\"")
            #expect(try await api.get("/api/v1/customers", key: "crier_nope").status == .unauthorized)
            #expect(try await api.send(.get, "/api/v1/customers", key: .some(nil), headers: [.authorization: "Basic abc"]).status == .unauthorized)

            // Read-only keys read, and are refused (403) when they try to change anything.
            #expect(try await api.get("/api/v1/customers", key: api.readOnlyKey).status == .ok)
            let refused = try await api.post("/api/v1/customers", #"{"first_name":"A","last_name":"B","mobile":"07700900123"}"#, key: api.readOnlyKey)
            #expect(refused.status == .forbidden)
            #expect(refused.errorCode == "forbidden")
            #expect(try await api.store.customers.list(venue: api.venue, query: nil, cursor: nil, limit: 10).items.isEmpty)

            // A revoked key stops working at once.
            let (created, secret) = try await api.store.apiKeys.create(venueId: api.venue.id, name: "temp", scope: .write, actor: .system)
            #expect(try await api.get("/api/v1/venue", key: secret).status == .ok)
            try await api.store.apiKeys.revoke(venueId: api.venue.id, id: created.id, actor: .system)
            #expect(try await api.get("/api/v1/venue", key: secret).status == .unauthorized)
        }
    }

    /// A key of venue A can never read or change venue B's data, on any route.
    @Test(arguments: TestEngines.all)
    func aVenuesKeyNeverReachesAnotherVenue(engine: EngineKind) async throws {
        try await APIHarness.run(engine) { api in
            let b = api.otherKey
            let theirCustomer = try await api.customer("Bea", "Other", mobile: "07700 900200", key: b)
            let theirEvent = try await api.event("Their gig", capacity: "10", key: b)
            let theirBooking = try await api.booking(customer: theirCustomer, event: theirEvent, seats: 2, key: b)
            let ours = try await api.customer("Ann", "Ours", mobile: "07700 900201")
            let ourEvent = try await api.event("Our quiz")

            let item: [(HTTPRequest.Method, String, String?)] = [
                (.get, "/api/v1/customers/\(theirCustomer)", nil),
                (.patch, "/api/v1/customers/\(theirCustomer)", #"{"first_name":"Hacked"}"#),
                (.get, "/api/v1/customers/\(theirCustomer)/journal", nil),
                (.get, "/api/v1/customers/\(theirCustomer)/consent", nil),
                (.patch, "/api/v1/customers/\(theirCustomer)/consent", #"{"sms":{"transactional":false}}"#),
                (.delete, "/api/v1/customers/\(theirCustomer)", nil),
                (.get, "/api/v1/events/\(theirEvent)", nil),
                (.patch, "/api/v1/events/\(theirEvent)", #"{"name":"Hacked"}"#),
                (.post, "/api/v1/events/\(theirEvent)/cancel", nil),
                (.delete, "/api/v1/events/\(theirEvent)", nil),
                (.get, "/api/v1/bookings/\(theirBooking)", nil),
                (.patch, "/api/v1/bookings/\(theirBooking)", #"{"seats":9}"#),
                (.post, "/api/v1/bookings/\(theirBooking)/cancel", nil),
                (.delete, "/api/v1/bookings/\(theirBooking)", nil),
                (.get, "/api/v1/bookings?event_id=\(theirEvent)", nil),
            ]
            for (method, uri, json) in item {
                let reply = try await api.send(method, uri, json: json)
                #expect(reply.status == .notFound, "\(method) \(uri) gave \(reply.status)")
                #expect(reply.errorCode == "not_found")
            }
            // Booking their customer onto our event, or ours onto theirs: the ids don't exist here.
            let cross1 = try await api.post("/api/v1/bookings", #"{"customer_id":\#(theirCustomer),"event_id":\#(ourEvent),"seats":1}"#)
            #expect(cross1.status == .unprocessableContent)
            #expect(cross1.fieldErrors["customer_id"] != nil)
            let cross2 = try await api.post("/api/v1/bookings", #"{"customer_id":\#(ours),"event_id":\#(theirEvent),"seats":1}"#)
            #expect(cross2.status == .unprocessableContent)
            #expect(cross2.fieldErrors["event_id"] != nil)

            // Lists and searches show only our own rows.
            #expect(try await api.get("/api/v1/customers").json["items"]?.array.map { $0["id"]?.int } == [Int(ours)])
            #expect(try await api.get("/api/v1/customers?q=Bea").json["items"]?.array.isEmpty == true)
            #expect(try await api.get("/api/v1/customers?q=07700900200").json["items"]?.array.isEmpty == true)
            #expect(try await api.get("/api/v1/events?when=all").json["items"]?.array.map { $0["id"]?.int } == [Int(ourEvent)])
            #expect(try await api.get("/api/v1/bookings").json["items"]?.array.isEmpty == true)
            #expect(try await api.get("/api/v1/bookings?customer_id=\(theirCustomer)").json["items"]?.array.isEmpty == true)
            #expect(try await api.get("/api/v1/venue").json["slug"]?.string == "crown")

            // And nothing of theirs changed.
            let theirs = try await api.get("/api/v1/customers/\(theirCustomer)", key: b)
            #expect(theirs.json["first_name"]?.string == "Bea")
            #expect(try await api.get("/api/v1/bookings/\(theirBooking)", key: b).json["seats"]?.int == 2)
            #expect(try await api.get("/api/v1/events/\(theirEvent)", key: b).json["status"]?.string == "scheduled")
            #expect(try await api.get("/api/v1/customers/\(theirCustomer)/consent", key: b).json["sms"]?["transactional"] == .bool(true))
        }
    }
}
