import CrierCore
import CrierPluginKit
import CrierStore
import Hummingbird

/// `GET /api/v1/customers/{id}/export`: everything Crier holds about the customer, one JSON
/// document (`CustomerAccessExport`), for a data-access request. Another venue's id is a 404.
struct CustomerExportRoute: Sendable {
    let store: Store
    let plugins: PluginHost

    func register(on api: RouterGroup<CrierRequestContext>) {
        api.get("customers/:id/export") { _, context in
            let venue = try context.requireVenue()
            let customer = try await store.customers.get(venueId: venue.id, id: try context.pathID("id", "customer"))
            let caller = PluginCaller(
                venueId: venue.id, venueIds: [venue.id], actor: context.actor, actorName: context.apiKey.map { "API key “\($0.name)”" },
                role: nil, canWrite: context.apiKey?.scope != .read, csrfToken: nil)
            let document = try await CustomerAccessExport(store: store, plugins: plugins).document(venue: venue, customer: customer, caller: caller)
            return JSONResponse(document, headers: [.contentDisposition: "attachment; filename=\"customer-\(customer.id).json\""])
        }
    }
}
