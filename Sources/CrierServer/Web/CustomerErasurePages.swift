import CrierCore
import CrierStore
import Hummingbird

/// A customer's data rights, for owners and managers: `/customers/{id}/erase` (a data-deletion
/// request: a confirmation page says what goes and what stays, then the erasure runs) and
/// `/customers/{id}/export` (a data-access request: everything held about them, as JSON).
struct CustomerErasurePages: Sendable {
    let staff: StaffPages
    var store: Store { staff.store }

    func register(on web: RouterGroup<CrierRequestContext>) {
        web.get("customers/:id/erase") { _, context in
            _ = try staff.requireManager(context)
            let venue = try context.requireVenue()
            let customer = try await store.customers.get(venueId: venue.id, id: try context.pathID("id", "customer"))
            let bookings = try await store.bookings.withEvents(venueId: venue.id, customerId: customer.id)
            return try await staff.render("customer_erase", CustomerErasure(
                id: customer.id, name: "\(customer.firstName) \(customer.lastName)", bookings: bookings.count), context)
        }
        web.get("customers/:id/export") { _, context in
            let session = try staff.requireManager(context)
            let venue = try context.requireVenue()
            let customer = try await store.customers.get(venueId: venue.id, id: try context.pathID("id", "customer"))
            return try await CustomerAccessExport(store: store, plugins: staff.plugins)
                .download(venue: venue, customer: customer, caller: try await staff.caller(context, session: session))
        }
        web.post("customers/:id/erase") { request, context in
            _ = try staff.requireManager(context)
            _ = try await staff.form(request, context)
            let venue = try context.requireVenue()
            _ = try await store.erasure.erase(venueId: venue.id, customerId: try context.pathID("id", "customer"), actor: context.actor)
            return seeOther("/customers?done=erased")
        }
    }
}

/// "Erase this customer?", with what goes.
struct CustomerErasure: Encodable {
    var id: Int64
    var name: String
    var bookings: Int
}
