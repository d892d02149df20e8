import CrierCore
import CrierPluginKit
import CrierStore
import Foundation

/// Everything Crier holds about one customer, as one JSON document, for a data-access request:
/// the profile, consent and its history, bookings with their events, every text to and from them,
/// the journal entries about them, and what each loaded plugin holds (`CustomerRecord`).
struct CustomerAccessExport: Sendable {
    let store: Store
    let plugins: PluginHost

    /// The document as a file to save (`customer-{id}.json`), never cached.
    func download(venue: Venue, customer: Customer, caller: PluginCaller) async throws -> JSONResponse {
        JSONResponse(try await document(venue: venue, customer: customer, caller: caller), headers: [
            .contentDisposition: "attachment; filename=\"customer-\(customer.id).json\"", .cacheControl: "no-store",
        ])
    }

    func document(venue: Venue, customer: Customer, caller: PluginCaller) async throws -> JSONValue {
        let detail = try await CustomerRoutes(store: store).detail(customer, venue: venue)
        let consent = try await store.consents.get(venueId: venue.id, customerId: customer.id)
        var texts: [JSONValue] = [], cursor: String?
        repeat {
            let page = try await store.messages.list(venueId: venue.id, filter: MessageFilter(customerId: customer.id), cursor: cursor, limit: 500)
            texts += page.items.map(Representation.message)
            cursor = page.nextCursor
        } while cursor != nil
        var journal: [JSONValue] = []
        cursor = nil
        repeat {
            let page = try await store.journal.forCustomer(venueId: venue.id, customerId: customer.id, cursor: cursor, limit: 500)
            journal += page.items.map(Representation.journal)
            cursor = page.nextCursor
        } while cursor != nil
        var fromPlugins: [String: JSONValue] = [:]
        for plugin in plugins.plugins where !plugin.customerRecords.isEmpty {
            let services = plugins.services(for: plugin.id, store: store)
            var records: [String: JSONValue] = [:]
            for record in plugin.customerRecords { records[record.name] = try await record.export(customer.id, caller, services) }
            fromPlugins[plugin.id] = .object(records)
        }
        return [
            "exported_at": Representation.instant(store.clock.now()),
            "venue": ["id": Representation.id(venue.id), "name": .string(venue.name)],
            "customer": detail,
            "consent": Representation.consent(consent.state, history: consent.history),
            "texts": .array(texts),
            "journal": .array(journal),
            "plugins": .object(fromPlugins),
        ]
    }
}
