import CrierCore
import CrierStore
import CrierTestSupport
import Hummingbird
import Testing

struct CustomerAPITests {
    @Test(arguments: TestEngines.all)
    func lifecycle(engine: EngineKind) async throws {
        try await APIHarness.run(engine) { api in
            let created = try await api.post("/api/v1/customers",
                #"{"first_name":" Ann ","last_name":"Lee","mobile":"07700 900123","email":"Ann@Example.com","notes":"Window table"}"#)
            #expect(created.status == .created)
            #expect(created.headers[.location] == "/api/v1/customers/\(created.id)")
            #expect(created["first_name"] == "Ann")
            #expect(created["mobile"] == "+447700900123")
            #expect(created["email"] == "ann@example.com")

            let patched = try await api.patch("/api/v1/customers/\(created.id)", #"{"email":null,"notes":"Allergic to nuts"}"#)
            #expect(patched.status == .ok)
            #expect(patched["email"] == .null)
            #expect(patched["notes"] == "Allergic to nuts")
            #expect(patched["first_name"] == "Ann")
            #expect(patched["consent"]?["sms"]?["transactional"] == .bool(true))

            let event = try await api.event()
            _ = try await api.booking(customer: created.id, event: event, seats: 2)
            let other = try await api.event("Gig", startsAt: "2026-12-06T20:00")
            _ = try await api.booking(customer: created.id, event: other, seats: 0)
            let detail = try await api.get("/api/v1/customers/\(created.id)")
            #expect(detail["bookings"]?["active"]?.array.count == 1)
            #expect(detail["bookings"]?["reminder_only"]?.array.first?["event"]?["name"] == "Gig")

            let journal = try await api.get("/api/v1/customers/\(created.id)/journal")
            #expect(journal["items"]?.array.map { $0["kind"]?.string ?? "" }.filter { !$0.hasPrefix("message.") } ==
                    ["booking.created", "booking.created", "customer.changed", "consent.granted", "customer.created"])
            #expect(journal["items"]?.array.first?["actor"]?.string?.hasPrefix("api_key:") == true)

            #expect(try await api.delete("/api/v1/customers/\(created.id)").status == .noContent)
            #expect(try await api.get("/api/v1/customers/\(created.id)").status == .notFound)
            #expect(try await api.get("/api/v1/bookings?customer_id=\(created.id)")["items"]?.array.isEmpty == true)
            // The audit trail outlives the customer.
            #expect(try await api.get("/api/v1/customers/\(created.id)/journal")["items"]?.array.first?["kind"] == "customer.deleted")
        }
    }

    @Test(arguments: TestEngines.all)
    func validationNamesEachField(engine: EngineKind) async throws {
        try await APIHarness.run(engine) { api in
            let missing = try await api.post("/api/v1/customers", #"{"first_name":"","mobile":"020 7946 0018"}"#)
            #expect(missing.status == .unprocessableContent)
            #expect(missing.errorCode == "validation_failed")
            #expect(missing.fieldErrors["first_name"] == "is required")
            #expect(missing.fieldErrors["last_name"] == "is required")
            #expect(missing.fieldErrors["mobile"] == "is a landline: it cannot receive texts")

            let types = try await api.post("/api/v1/customers", #"{"first_name":1,"last_name":["x"],"mobile":"07700900123","mobil":"x"}"#)
            #expect(types.status == .unprocessableContent)
            #expect(types.fieldErrors["first_name"] == "must be a string, not number")
            #expect(types.fieldErrors["last_name"] == "must be a string, not array")
            #expect(types.fieldErrors["mobil"]?.hasPrefix("is not a field here") == true)

            let badPhone = try await api.post("/api/v1/customers", #"{"first_name":"A","last_name":"B","mobile":"12"}"#)
            #expect(badPhone.fieldErrors["mobile"] == "is too short to be a phone number")

            _ = try await api.customer(mobile: "07700 900123")
            let duplicate = try await api.post("/api/v1/customers", #"{"first_name":"Bob","last_name":"Ray","mobile":"+447700900123"}"#)
            #expect(duplicate.status == .conflict)
            #expect(duplicate.errorCode == "mobile_taken")
            #expect(duplicate["error"]?["details"]?["existing_customer_name"] == "Ann Lee")
            #expect(duplicate["error"]?["message"]?.string?.contains("Ann Lee") == true)
            #expect(try await api.get("/api/v1/customers")["items"]?.array.count == 1)
        }
    }

    @Test(arguments: TestEngines.all)
    func listSearchesAndPages(engine: EngineKind) async throws {
        try await APIHarness.run(engine) { api in
            for (i, last) in ["Young", "Adams", "Murphy", "Brown", "Clark"].enumerated() {
                _ = try await api.customer("P\(i)", last, mobile: "07700 90010\(i)")
            }
            var names: [String] = []
            var uri = "/api/v1/customers?limit=2"
            while true {
                let page = try await api.get(uri)
                #expect(page.status == .ok)
                names += page["items"]?.array.compactMap { $0["last_name"]?.string } ?? []
                guard let cursor = page["next_cursor"]?.string else { break }
                uri = "/api/v1/customers?limit=2&cursor=\(cursor)"
            }
            #expect(names == ["Adams", "Brown", "Clark", "Murphy", "Young"])
            #expect(try await api.get("/api/v1/customers?q=murph")["items"]?.array.count == 1)
            #expect(try await api.get("/api/v1/customers?q=07700%20900104")["items"]?.array.first?["last_name"] == "Clark")
            #expect(try await api.get("/api/v1/customers?limit=0").fieldErrors["limit"] != nil)
            #expect(try await api.get("/api/v1/customers?cursor=zzz").fieldErrors["cursor"] != nil)
        }
    }

    @Test(arguments: TestEngines.all)
    func consentCanBeReadAndChanged(engine: EngineKind) async throws {
        try await APIHarness.run(engine) { api in
            let id = try await api.customer()
            let changed = try await api.patch("/api/v1/customers/\(id)/consent", #"{"sms":{"marketing":true},"note":"signed up at the bar"}"#)
            #expect(changed.status == .ok)
            #expect(changed["sms"] == ["transactional": true, "marketing": true])
            #expect(changed["history"]?.array.first?["source"] == "api")
            #expect(changed["history"]?.array.first?["note"] == "signed up at the bar")
            #expect(changed["history"]?.array.count == 2)
            let bad = try await api.patch("/api/v1/customers/\(id)/consent", #"{"sms":{"newsletter":"yes"}}"#)
            #expect(bad.status == .unprocessableContent)
            #expect(bad.fieldErrors["sms.newsletter"] != nil)
        }
    }
}
