import Contacts
import CrierCore
import CrierServer
import CrierStore
import CrierTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import Timeline

/// A data-access request: one JSON document with everything Crier and its plugins hold about the
/// customer, through the API (any key of the venue; another venue's is 404) or the web form
/// (owners and managers).
struct CustomerExportTests {
    @Test(arguments: TestEngines.all)
    func everythingHeldAboutThemInOneDocument(engine: EngineKind) async throws {
        try await WebHarness.run(engine, plugins: [ContactsPlugin.self, TimelinePlugin.self]) { web in
            let store = web.store
            let ann = try await store.makeCustomer(web.venue, first: "Ann", last: "Lee", n: 42)
            let event = try await store.makeEvent(web.venue)
            _ = try await store.bookings.create(venue: web.venue, customerId: ann.id, eventId: event.id, seats: 2, notes: "by the fire",
                                                source: .staff, actor: .system)
            _ = try await Dispatcher(store: store, providers: [ConsoleProvider(write: { _ in })], publicURL: nil, logger: Logger(label: "t"))
                .runUntilIdle()
            #expect(try await web.post("/plugins/timeline/customers/\(ann.id)/notes", [("body", "called about parking")]).status == .seeOther)
            try await web.plugins.projections(store: store).catchUp()
            let key = try await store.apiKeys.create(venueId: web.venue.id, name: "dpo", scope: .read, actor: .system).secret
            let response = try await web.client.executeRequest(
                uri: "/api/v1/customers/\(ann.id)/export", method: .get, headers: [.authorization: "Bearer \(key)"], body: nil)
            #expect(response.status == .ok && response.headers[.contentDisposition]?.contains("customer-\(ann.id).json") == true)
            let doc = try JSONDecoder().decode(JSONValue.self, from: Data(buffer: response.body))
            #expect(doc["customer"]?["first_name"]?.string == "Ann" && doc["customer"]?["mobile"]?.string == "+447700900042")
            #expect(doc["customer"]?["bookings"]?["active"]?.array.count == 1)
            #expect(doc["consent"]?["history"]?.array.isEmpty == false)
            #expect(doc["texts"]?.array.contains { $0["kind"]?.string == "confirmation" } == true)
            #expect(doc["journal"]?.array.contains { $0["kind"]?.string == "booking.created" } == true)
            #expect(doc["plugins"]?["contacts"]?["contact"]?["active_seats"]?.int == 2)
            #expect(doc["plugins"]?["timeline"]?["timeline"]?.array.contains { $0["body"]?.string == "called about parking" } == true)

            let other = try await store.makeVenue("anchor")
            let theirs = try await store.apiKeys.create(venueId: other.id, name: "x", scope: .write, actor: .system).secret
            let foreign = try await web.client.executeRequest(
                uri: "/api/v1/customers/\(ann.id)/export", method: .get, headers: [.authorization: "Bearer \(theirs)"], body: nil)
            #expect(foreign.status == .notFound)

            let page = try await web.get("/customers/\(ann.id)/export")
            #expect(page.status == .ok && page.html.contains(#""first_name":"Ann""#))
            #expect(try await web.get("/customers/\(ann.id)").html.contains("Export their data"))
            let bar = try await web.colleague(.staff, email: "bar@crown.test")
            #expect(try await bar.get("/customers/\(ann.id)/export").status == .forbidden)
            #expect(try await web.get("/customers/999999/export").status == .notFound)
        }
    }
}
