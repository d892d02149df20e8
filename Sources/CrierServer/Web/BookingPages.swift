import CrierCore
import CrierStore
import Foundation
import Hummingbird

/// Bookings: add from an event (find the customer) or from a customer (choose the event), change
/// seats and notes, cancel. After each, the event's page says which texts were queued.
struct BookingPages: Sendable {
    let staff: StaffPages
    var store: Store { staff.store }

    func register(on web: RouterGroup<CrierRequestContext>) {
        web.get("events/:id/bookings/new") { request, context in
            try await fromEvent(request, context, form: nil, errors: FieldErrors())
        }
        web.post("events/:id/bookings/new") { request, context in
            let form = try await staff.form(request, context)
            let eventId = try context.pathID("id", "event")
            return try await create(context, form: form, customerId: form["customer_id"].flatMap(Int64.init), eventId: eventId) { errors in
                try await fromEvent(request, context, form: form, errors: errors)
            }
        }
        web.get("customers/:id/bookings/new") { _, context in try await fromCustomer(context, form: nil, errors: FieldErrors()) }
        web.post("customers/:id/bookings/new") { request, context in
            let form = try await staff.form(request, context)
            return try await create(context, form: form, customerId: try context.pathID("id", "customer"), eventId: form["event_id"].flatMap(Int64.init)) { errors in
                try await fromCustomer(context, form: form, errors: errors)
            }
        }
        web.get("bookings/:id/edit") { _, context in try await edit(context, form: nil, errors: FieldErrors()) }
        web.post("bookings/:id/edit") { request, context in
            let form = try await staff.form(request, context)
            let venue = try context.requireVenue()
            let booking = try await store.bookings.get(venueId: venue.id, id: try context.pathID("id", "booking"))
            var errors = FieldErrors()
            let seats = form.int("seats", errors: &errors)
            if seats == nil, errors.isEmpty { errors.add("seats", "is required (0 = reminder only)") }
            do {
                guard errors.isEmpty else { throw CrierError.invalid(errors) }
                _ = try await store.bookings.update(venueId: venue.id, id: booking.id, seats: seats, notes: .some(form["notes"]), actor: context.actor)
                return seeOther("/events/\(booking.eventId)?booking=\(booking.id)&done=changed")
            } catch let error as CrierError {
                guard let fields = error.fieldMessages else { throw error }
                var response = try await edit(context, form: form, errors: fields)
                response.status = error.formStatus
                return response
            }
        }
        web.post("bookings/:id/cancel") { request, context in
            _ = try await staff.form(request, context)
            let venue = try context.requireVenue()
            let booking = try await store.bookings.cancel(venueId: venue.id, id: try context.pathID("id", "booking"), actor: context.actor)
            return seeOther("/events/\(booking.eventId)?booking=\(booking.id)&done=cancelled")
        }
    }

    /// Books, or shows the form again with what was wrong (over capacity and duplicates included).
    func create(_ context: CrierRequestContext, form: WebForm, customerId: Int64?, eventId: Int64?,
                again: (FieldErrors) async throws -> Response) async throws -> Response {
        let venue = try context.requireVenue()
        var errors = FieldErrors()
        let seats = form.int("seats", errors: &errors)
        do {
            // A missing seat count is the domain's to refuse, as for the API.
            guard errors.isEmpty else { throw CrierError.invalid(errors) }
            let booking = try await store.bookings.create(
                venue: venue, customerId: customerId, eventId: eventId, seats: seats, notes: form["notes"], source: .staff, actor: context.actor)
            return seeOther("/events/\(booking.eventId)?booking=\(booking.id)&done=booked")
        } catch let error as CrierError {
            var fields = error.fieldMessages ?? FieldErrors()
            // A full event or a second booking of the same event: said above the form.
            if case .conflict(_, let message, let conflictFields, _) = error, conflictFields.isEmpty { fields.add("seats", message) }
            guard !fields.isEmpty else { throw error }
            var response = try await again(fields)
            response.status = error.formStatus
            return response
        }
    }

    func fromEvent(_ request: Request, _ context: CrierRequestContext, form: WebForm?, errors: FieldErrors) async throws -> Response {
        let venue = try context.requireVenue()
        let event = try await store.events.get(venueId: venue.id, id: try context.pathID("id", "event"))
        let query = request.uri.queryParameters.get("q").map { String($0) } ?? ""
        let chosen = form?["customer_id"].flatMap(Int64.init)
        var customers: [BookingFromEvent.Choice] = []
        if !query.isEmpty || chosen != nil {
            let found = query.isEmpty ? [] : try await store.customers.list(venue: venue, query: query, cursor: nil, limit: 20).items
            var picked: Customer?
            if let chosen { picked = try await store.customers.get(venueId: venue.id, id: chosen) }
            for customer in (picked.map { [$0] } ?? []) + found.filter({ $0.id != chosen }) {
                customers.append(.init(id: customer.id, name: "\(customer.firstName) \(customer.lastName)", mobile: customer.mobile.e164,
                                       checked: customer.id == chosen))
            }
        }
        let view = BookingFromEvent(
            title: "Book \(event.event.name)", eventId: event.event.id, q: query, customers: customers,
            noMatch: !query.isEmpty && customers.isEmpty,
            // The event is fixed on this page, so a clash about it (booked already, cancelled) is said by the customer.
            customerError: errors.fields["customer_id"] ?? errors.fields["event_id"].map { "This event: \($0)." },
            fields: fields(form, errors), problem: Self.problem(errors))
        return try await staff.render("booking_new", view, context, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    func fromCustomer(_ context: CrierRequestContext, form: WebForm?, errors: FieldErrors) async throws -> Response {
        let venue = try context.requireVenue()
        let customer = try await store.customers.get(venueId: venue.id, id: try context.pathID("id", "customer"))
        let time = try staff.time(context)
        let events = try await store.events.list(venueId: venue.id, window: .upcoming, cursor: nil, limit: 100).items
            .filter { $0.event.status == .scheduled }
        let chosen = form?["event_id"].flatMap(Int64.init)
        let view = BookingFromCustomer(
            title: "Book \(customer.firstName) \(customer.lastName)", customerId: customer.id,
            events: events.map { .init(id: $0.event.id, name: $0.event.name, when: time.dateAndTime($0.event.startsAt),
                                       left: $0.seatsLeft.map { "\($0) seats left" } ?? "no limit", selected: $0.event.id == chosen) },
            eventError: errors.fields["event_id"], fields: fields(form, errors), problem: Self.problem(errors))
        return try await staff.render("booking_new", view, context, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    func edit(_ context: CrierRequestContext, form: WebForm?, errors: FieldErrors) async throws -> Response {
        let venue = try context.requireVenue()
        let booking = try await store.bookings.get(venueId: venue.id, id: try context.pathID("id", "booking"))
        let event = try await store.events.get(venueId: venue.id, id: booking.eventId)
        let customer = try await store.customers.get(venueId: venue.id, id: booking.customerId)
        let values = form ?? WebForm(fields: ["seats": String(booking.seats), "notes": booking.notes ?? ""])
        let view = BookingChange(
            id: booking.id, eventId: event.event.id, event: event.event.name, customer: "\(customer.firstName) \(customer.lastName)",
            active: booking.status == .active, fields: fields(values, errors), problem: Self.problem(errors))
        return try await staff.render("booking_edit", view, context, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    static func problem(_ errors: FieldErrors) -> String? { errors.isEmpty ? nil : "Please fix what's marked below." }

    func fields(_ form: WebForm?, _ errors: FieldErrors) -> [FormField] {
        [FormField(name: "seats", label: "Seats", value: form?["seats"] ?? "2", type: "number", error: errors.fields["seats"],
                   hint: "0 makes a reminder-only booking: they get the reminders but hold no seat.", required: true, min: "0"),
         FormField(name: "notes", label: "Notes (optional)", value: form?["notes"], error: errors.fields["notes"], textarea: true)]
    }

    /// "Booked 2 seats for Ann Lee. Texts queued: confirmation (now), 24-hour reminder (Fri 5 Dec, 7:30pm)."
    static func queuedNotice(store: Store, venueId: Int64, bookingId: Int64, done: String, time: PageTime) async throws -> String? {
        guard let booking = try? await store.bookings.get(venueId: venueId, id: bookingId) else { return nil }
        let customer = try? await store.customers.get(venueId: venueId, id: booking.customerId)
        let who = customer.map { "\($0.firstName) \($0.lastName)" } ?? "the customer"
        let what: String
        switch done {
        case "booked": what = booking.isReminderOnly ? "Reminder-only booking added for \(who)." : "Booked \(booking.seats) seat(s) for \(who)."
        case "changed": what = "Booking changed for \(who)."
        case "cancelled": what = "Booking cancelled for \(who)."
        default: what = "Booking for \(who)."
        }
        // The texts this action queued: created with it (same transaction, same moment). The
        // confirmation may already be out by the time the page shows, so it is listed as sent.
        let messages = try await store.messages.list(venueId: venueId, filter: MessageFilter(bookingId: bookingId), cursor: nil, limit: 20).items
        let queued = messages.filter { $0.createdAt >= booking.updatedAt }
        guard !queued.isEmpty else { return what + " No text was queued." }
        let listed = queued.sorted { ($0.scheduledFor ?? .distantPast) < ($1.scheduledFor ?? .distantPast) }.map { message in
            let state: String
            switch message.status {
            case .scheduled: state = message.scheduledFor.map { $0 <= store.clock.now() ? "now" : time.dateAndTime($0) } ?? "now"
            case .sending, .sent, .delivered: state = "sent"
            default: state = [message.status.rawValue, message.reason].compactMap { $0 }.joined(separator: ": ")
            }
            return "\(MessagePages.kindName(message.kind)) (\(state))"
        }
        return what + " Texts queued: " + listed.joined(separator: ", ") + "."
    }
}

/// A booking made from an event's page: find the customer, then seats and notes.
struct BookingFromEvent: Encodable {
    struct Choice: Encodable {
        var id: Int64
        var name, mobile: String
        var checked: Bool
    }
    let fromEvent = true
    var title: String
    var eventId: Int64
    var q: String
    var customers: [Choice]
    var noMatch: Bool
    var customerError: String?
    var fields: [FormField]
    var problem: String?
}

/// A booking made from a customer's page: choose the event, then seats and notes.
struct BookingFromCustomer: Encodable {
    struct Choice: Encodable {
        var id: Int64
        var name, when, left: String
        var selected: Bool
    }
    let fromEvent = false
    var title: String
    var customerId: Int64
    var events: [Choice]
    var eventError: String?
    var fields: [FormField]
    var problem: String?
}

/// Change a booking's seats and notes, or cancel it.
struct BookingChange: Encodable {
    var id, eventId: Int64
    var event, customer: String
    var active: Bool
    var fields: [FormField]
    var problem: String?
}
