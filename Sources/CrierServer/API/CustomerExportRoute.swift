import CrierCore
import CrierPluginKit
import CrierStore
import Hummingbird

/// `GET /api/v1/customers/{id}/export`: everything Crier holds about the customer, one JSON
/// document (`CustomerAccessExport`), for a data-access request. Another venue's id is a 404.
struct CustomerExportRoute: Sendable {
    let store: Store
    let plugins: PluginHost

    func register(on api: DocumentedRoutes) {
        api.get("customers/:id/export", APIOperation(
            "exportCustomer", "Everything Crier holds about the customer, as one document (a data-access request)", tag: "Customers",
            parameters: [.path("id")], responses: [.ok(.ref("CustomerExport"), "the customer's data")])
        ) { _, context in
            let venue = try context.requireVenue()
            let customer = try await store.customers.get(venueId: venue.id, id: try context.pathID("id", "customer"))
            return try await CustomerAccessExport(store: store, plugins: plugins)
                .download(venue: venue, customer: customer, caller: try PluginRoutes.apiCaller(context))
        }
    }
}
