import CrierCore
import CrierStore
import CrierTestSupport
import Foundation
import Testing

struct CustomerStoreTests {
    @Test(arguments: TestEngines.all)
    func createReadUpdateDelete(engine: EngineKind) async throws {
        try await withTestStore(engine) { store in
            let venue = try await store.makeVenue()
            let ann = try await store.makeCustomer(venue, first: "Ann", last: "Lee", mobile: "07700 900123")
            #expect(ann.mobile.e164 == "+447700900123")
            #expect(try await store.customers.get(venueId: venue.id, id: ann.id) == ann)

            let changed = try await store.customers.update(venue: venue, id: ann.id, actor: .system) { input in
                var input = input
                input.email = "ann@example.com"
                return input
            }
            #expect(changed.email == "ann@example.com")
            #expect(changed.firstName == "Ann")

            try await store.customers.delete(venueId: venue.id, id: ann.id, actor: .system)
            await #expect(throws: CrierError.notFound("customer")) { try await store.customers.get(venueId: venue.id, id: ann.id) }
        }
    }

    @Test(arguments: TestEngines.all)
    func aSecondCustomerWithTheSameMobileIsAConflictNamingTheFirst(engine: EngineKind) async throws {
        try await withTestStore(engine) { store in
            let venue = try await store.makeVenue()
            let ann = try await store.makeCustomer(venue, first: "Ann", last: "Lee", mobile: "07700 900123")
            do {
                _ = try await store.makeCustomer(venue, first: "Bob", last: "Ray", mobile: "+44 7700 900123")
                Issue.record("duplicate mobile accepted")
            } catch let CrierError.conflict(code, message, fields, details) {
                #expect(code == "mobile_taken")
                #expect(message.contains("Ann Lee") && message.contains("customer \(ann.id)"))
                #expect(fields["mobile"] != nil)
                #expect(details == ["existing_customer_id": .number(Double(ann.id)), "existing_customer_name": "Ann Lee"])
            }
            // The same mobile at another venue is another customer.
            let other = try await store.makeVenue("anchor")
            _ = try await store.makeCustomer(other, first: "Bob", last: "Ray", mobile: "07700 900123")
            // Same names are fine.
            _ = try await store.makeCustomer(venue, first: "Ann", last: "Lee", mobile: "07700 900124")
            // Changing a mobile to one already taken is refused too, and changes nothing.
            let bob = try await store.makeCustomer(venue, first: "Bob", last: "Ray", mobile: "07700 900125")
            await #expect(throws: CrierError.self) {
                try await store.customers.update(venue: venue, id: bob.id, actor: .system) { input in
                    var input = input
                    input.mobile = "07700900123"
                    return input
                }
            }
            #expect(try await store.customers.get(venueId: venue.id, id: bob.id).mobile.e164 == "+447700900125")
        }
    }

    @Test(arguments: TestEngines.all)
    func concurrentInsertsOfOneMobileLeaveOneCustomer(engine: EngineKind) async throws {
        try await withTestStore(engine) { store in
            let venue = try await store.makeVenue()
            let results = await withTaskGroup(of: Result<Customer, any Error>.self) { group in
                for i in 0..<8 {
                    group.addTask {
                        do { return .success(try await store.makeCustomer(venue, first: "P\(i)", mobile: "07700 900999")) } catch {
                            return .failure(error)
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.filter { if case .success = $0 { true } else { false } }.count == 1)
            for case .failure(let error) in results {
                guard case CrierError.conflict(let code, _, _, _) = error else {
                    Issue.record("expected a 409, got \(error)")
                    continue
                }
                #expect(code == "mobile_taken")
            }
        }
    }

    @Test(arguments: TestEngines.all)
    func listIsAlphabeticalByLastNameWithStablePages(engine: EngineKind) async throws {
        try await withTestStore(engine) { store in
            let venue = try await store.makeVenue()
            let names = [("Zoë", "Adams"), ("amy", "brown"), ("Bea", "Brown"), ("Cal", "Ó Brien"), ("Dan", "O'Neill"),
                         ("Eve", "Álvarez"), ("Fay", "Zed"), ("Gus", "Brown")]
            for (i, (first, last)) in names.enumerated() {
                _ = try await store.makeCustomer(venue, first: first, last: last, n: i)
            }
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await store.customers.list(venue: venue, query: nil, cursor: cursor, limit: 3)
                #expect(page.items.count <= 3)
                seen += page.items.map(\.fullName)
                cursor = page.nextCursor
            } while cursor != nil
            #expect(seen == ["Zoë Adams", "Eve Álvarez", "amy brown", "Bea Brown", "Gus Brown", "Cal Ó Brien", "Dan O'Neill", "Fay Zed"])
        }
    }

    @Test(arguments: TestEngines.all)
    func searchFindsNamesAndMobiles(engine: EngineKind) async throws {
        try await withTestStore(engine) { store in
            let venue = try await store.makeVenue()
            _ = try await store.makeCustomer(venue, first: "Siobhán", last: "Murphy", mobile: "07700 900111")
            _ = try await store.makeCustomer(venue, first: "Sam", last: "Smith", mobile: "07911 123456")
            _ = try await store.makeCustomer(venue, first: "100%", last: "Under_score", mobile: "07912 654321")
            func names(_ q: String) async throws -> [String] {
                try await store.customers.list(venue: venue, query: q, cursor: nil, limit: 50).items.map(\.lastName)
            }
            #expect(try await names("siobhan") == ["Murphy"])
            #expect(try await names("MURPHY sio") == ["Murphy"])
            #expect(try await names("s") == ["Murphy", "Smith", "Under_score"])
            #expect(try await names("07911 123456") == ["Smith"])
            #expect(try await names("+447911123456") == ["Smith"])
            #expect(try await names("0791") == ["Smith", "Under_score"])
            #expect(try await names("123 456") == ["Smith"])
            #expect(try await names("%") == ["Under_score"])
            #expect(try await names("_") == ["Under_score"])
            #expect(try await names("nobody").isEmpty)
        }
    }

    @Test(arguments: TestEngines.all)
    func aForeignCursorIsAFieldError(engine: EngineKind) async throws {
        try await withTestStore(engine) { store in
            let venue = try await store.makeVenue()
            await #expect(throws: CrierError.invalid(FieldErrors("cursor", "is not a cursor this list returned"))) {
                try await store.customers.list(venue: venue, query: nil, cursor: "garbage!", limit: 10)
            }
        }
    }

    @Test(arguments: TestEngines.all)
    func consentStartsTransactionalAndKeepsHistory(engine: EngineKind) async throws {
        try await withTestStore(engine) { store in
            let venue = try await store.makeVenue()
            let ann = try await store.makeCustomer(venue)
            var consent = try await store.consents.get(venueId: venue.id, customerId: ann.id)
            #expect(consent.state == ConsentState(transactional: true, marketing: false))
            #expect(consent.history.map(\.source) == [.signup])
            consent = try await store.consents.set(
                venueId: venue.id, customerId: ann.id, changes: [.marketing: true, .transactional: true], source: .staff,
                note: "asked at the bar", actor: .system)
            #expect(consent.state == ConsentState(transactional: true, marketing: true))
            #expect(consent.history.count == 2)  // transactional unchanged: not recorded again
            #expect(consent.history.last?.note == "asked at the bar")
        }
    }
}
