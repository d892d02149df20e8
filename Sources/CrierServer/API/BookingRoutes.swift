import CrierCore
import CrierStore
import Hummingbird

/// `/api/v1/bookings`: seats 0 makes a reminder-only booking.
struct BookingRoutes {
    let store: Store

    func register(on api: RouterGroup<CrierRequestContext>) {
        let bookings = api.group("bookings")
        bookings.post { request, context in
            let venue = try context.requireVenue()
            var body = try await JSONBody.read(request, allowed: ["customer_id", "event_id", "seats", "notes"])
            let customer = body.int("customer_id") ?? nil, event = body.int("event_id") ?? nil
            let seats = body.int("seats") ?? nil, notes = body.string("notes") ?? nil
            try body.throwIfInvalid()
            let booking = try await store.bookings.create(
                venue: venue, customerId: customer.map(Int64.init), eventId: event.map(Int64.init), seats: seats, notes: notes,
                source: .api, actor: context.actor)
            return JSONResponse(Representation.booking(booking), status: .created,
                                headers: [.location: "/api/v1/bookings/\(booking.id)"])
        }
        bookings.get { request, context in
            let venue = try context.requireVenue()
            var filter = BookingFilter(
                customerId: try request.queryID("customer_id"), eventId: try request.queryID("event_id"),
                status: try request.queryEnum("status", as: BookingStatus.self))
            if let only = request.uri.queryParameters.get("reminder_only") {
                guard only == "true" || only == "false" else {
                    throw APIError.invalid(FieldErrors("reminder_only", "must be true or false"))
                }
                filter.reminderOnly = only == "true"
            }
            let page = try await store.bookings.list(
                venueId: venue.id, filter: filter, cursor: request.uri.queryParameters.get("cursor"), limit: try request.pageLimit())
            guard case .object(var json) = Representation.page(page, Representation.booking) else { return JSONResponse(.null) }
            if let eventId = filter.eventId {
                let event = try await store.events.get(venueId: venue.id, id: eventId)
                json["summary"] = ["seats_booked": .from(event.seatsBooked), "seats_left": .from(event.seatsLeft),
                                   "seated": .from(event.seatedBookings), "reminder_only": .from(event.reminderOnlyBookings)]
            }
            return JSONResponse(.object(json))
        }
        bookings.get(":id") { _, context in
            let venue = try context.requireVenue()
            return JSONResponse(Representation.booking(
                try await store.bookings.get(venueId: venue.id, id: try context.pathID("id", "booking"))))
        }
        bookings.patch(":id") { request, context in
            let venue = try context.requireVenue()
            let id = try context.pathID("id", "booking")
            var body = try await JSONBody.read(request, allowed: ["seats", "notes", "status"])
            let seats = body.int("seats"), notes = body.string("notes"), status = body.string("status")
            if seats == .some(nil) { body.errors.add("seats", "must be a number (0 = reminder only), not null") }
            var cancel = false
            if let status {
                switch status {
                case "cancelled": cancel = true
                case "active": break
                default: body.errors.add("status", "must be active or cancelled")
                }
            }
            try body.throwIfInvalid()
            var booking = try await store.bookings.get(venueId: venue.id, id: id)
            if status == "active", booking.status == .cancelled {
                throw CrierError.conflict(code: "booking_cancelled", message: "a cancelled booking can't be reactivated; book again",
                                          fields: ["status": "can't go from cancelled back to active"])
            }
            if seats != nil || notes != nil || cancel {
                // Fields and status together, in one transaction.
                booking = try await store.bookings.update(
                    venueId: venue.id, id: id, seats: seats ?? nil, notes: notes, cancel: cancel, actor: context.actor)
            }
            return JSONResponse(Representation.booking(booking))
        }
        bookings.post(":id/cancel") { _, context in
            let venue = try context.requireVenue()
            return JSONResponse(Representation.booking(
                try await store.bookings.cancel(venueId: venue.id, id: try context.pathID("id", "booking"), actor: context.actor)))
        }
        bookings.delete(":id") { _, context in
            let venue = try context.requireVenue()
            try await store.bookings.delete(venueId: venue.id, id: try context.pathID("id", "booking"), actor: context.actor)
            return Response(status: .noContent)
        }
    }
}
