import CrierCore
import CrierStore
import Hummingbird

/// `/customers/{id}/erase`: a data-deletion request, for owners and managers. A confirmation page
/// says what goes and what stays (counts, never the person), then the erasure runs.
struct CustomerErasurePages: Sendable {
    let staff: StaffPages
    var store: Store { staff.store }

    func register(on web: RouterGroup<CrierRequestContext>) {
        web.get("customers/:id/erase") { _, context in
            _ = try staff.requireManager(context)
            let venue = try context.requireVenue()
            let customer = try await store.customers.get(venueId: venue.id, id: try context.pathID("id", "customer"))
            let bookings = try await store.bookings.withEvents(venueId: venue.id, customerId: customer.id)
            return try await staff.render("customer_erase", [
                "id": customer.id, "name": "\(customer.firstName) \(customer.lastName)", "bookings": bookings.count,
            ], context)
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
