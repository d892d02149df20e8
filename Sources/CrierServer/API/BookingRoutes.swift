import CrierCore
import CrierPluginKit
import CrierStore
import Hummingbird

/// `/api/v1/bookings`: seats 0 makes a reminder-only booking.
struct BookingRoutes {
    let store: Store

    func register(on api: DocumentedRoutes) {
        let bookings = api.group("bookings")
        bookings.post(APIOperation(
            "createBooking", "Book a customer onto an event (seats 0 = reminder only); texts the confirmation", tag: "Bookings",
            body: .json(.ref("BookingInput"), example: ["customer_id": 1, "event_id": 1, "seats": 2]),
            responses: [.created(.ref("Booking"), "the booking"), .error(409, "capacity_exceeded, booking_exists, event_cancelled, event_started or booking_cancelled")])
        ) { request, context in
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
        bookings.get(APIOperation(
            "listBookings", "Bookings; with event_id also the event's seat summary", tag: "Bookings",
            parameters: [.query("customer_id", .id), .query("event_id", .id), .query("status", .oneOf(BookingStatus.allCases.map(\.rawValue))),
                         .query("reminder_only", .oneOf(["true", "false"])), .cursor, .limit],
            responses: [.ok(.ref("BookingList"), "a page of bookings"), .error(404, "event_id or customer_id names none of this venue's")])
        ) { request, context in
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
        bookings.get(":id", APIOperation(
            "getBooking", "A booking", tag: "Bookings", parameters: [.path("id")], responses: [.ok(.ref("Booking"), "the booking")])
        ) { _, context in
            let venue = try context.requireVenue()
            return JSONResponse(Representation.booking(
                try await store.bookings.get(venueId: venue.id, id: try context.pathID("id", "booking"))))
        }
        bookings.patch(":id", APIOperation(
            "updateBooking", "Change seats or notes, or cancel with status cancelled", tag: "Bookings", parameters: [.path("id")],
            body: .json(.ref("BookingChange"), example: ["seats": 4]),
            responses: [.ok(.ref("Booking"), "the booking as changed"), .error(409, "capacity_exceeded, booking_exists, event_cancelled, event_started or booking_cancelled")])
        ) { request, context in
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
        bookings.post(":id/cancel", APIOperation(
            "cancelBooking", "Cancel a booking (its reminders are not sent)", tag: "Bookings", parameters: [.path("id")],
            responses: [.ok(.ref("Booking"), "the cancelled booking")])
        ) { _, context in
            let venue = try context.requireVenue()
            return JSONResponse(Representation.booking(
                try await store.bookings.cancel(venueId: venue.id, id: try context.pathID("id", "booking"), actor: context.actor)))
        }
        bookings.delete(":id", APIOperation(
            "deleteBooking", "Delete a booking", tag: "Bookings", parameters: [.path("id")], responses: [.noContent])
        ) { _, context in
            let venue = try context.requireVenue()
            try await store.bookings.delete(venueId: venue.id, id: try context.pathID("id", "booking"), actor: context.actor)
            return Response(status: .noContent)
        }
    }
}
