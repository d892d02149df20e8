import CrierCore
import CrierStore
import Foundation
import Hummingbird

/// Events: upcoming and past lists, add and edit (times in the venue's zone), cancel, and the
/// event's page with its bookings and seats left.
struct EventPages: Sendable {
    let staff: StaffPages
    var store: Store { staff.store }

    func register(on web: RouterGroup<CrierRequestContext>) {
        web.get("events") { request, context in
            let venue = try context.requireVenue()
            let time = try staff.time(context)
            let past = request.uri.queryParameters.get("when") == "past"
            let page = try await store.events.list(venueId: venue.id, window: past ? .past : .upcoming,
                                                   cursor: request.uri.queryParameters.get("cursor").map { String($0) }, limit: 50)
            let view = EventList(
                past: past, events: page.items.map { Self.row($0, time: time) }, hasEvents: !page.items.isEmpty,
                next: page.nextCursor.map { "/events?\(past ? "when=past&" : "")cursor=\(queryValue($0))" })
            return try await staff.render("events", view, context)
        }
        web.get("events/new") { _, context in
            try await staff.render("event_form", form(title: "Add an event", action: "/events/new", input: EventInput(name: nil, startsAt: nil),
                                                      errors: FieldErrors(), zone: try context.requireVenue().timeZone), context)
        }
        web.post("events/new") { request, context in
            let form = try await staff.form(request, context)
            let venue = try context.requireVenue()
            var errors = FieldErrors()
            let input = Self.input(form, errors: &errors)
            do {
                if !errors.isEmpty { throw CrierError.invalid(errors) }
                let event = try await store.events.create(venue: venue, input: input, actor: context.actor)
                return seeOther("/events/\(event.event.id)?done=added")
            } catch let error as CrierError {
                guard var fields = error.fieldMessages else { throw error }
                for (field, message) in errors.fields { fields.add(field, message) }
                return try await staff.render("event_form", self.form(title: "Add an event", action: "/events/new", input: input, errors: fields, zone: try context.requireVenue().timeZone),
                                              context, status: error.formStatus)
            }
        }
        web.get("events/:id") { request, context in try await detail(request, context) }
        web.get("events/:id/edit") { _, context in
            let event = try await event(context)
            let zone = try context.requireVenue().timeZone
            let input = EventInput(name: event.event.name, startsAt: EventTime.local(event.event.startsAt, in: zone),
                                   capacity: event.event.capacity, description: event.event.description)
            return try await staff.render("event_form", form(title: "Edit \(event.event.name)", action: "/events/\(event.event.id)/edit",
                                                             input: input, errors: FieldErrors(), zone: try context.requireVenue().timeZone), context)
        }
        web.post("events/:id/edit") { request, context in
            let form = try await staff.form(request, context)
            let current = try await event(context)
            let venue = try context.requireVenue()
            var errors = FieldErrors()
            let input = Self.input(form, errors: &errors)
            do {
                if !errors.isEmpty { throw CrierError.invalid(errors) }
                _ = try await store.events.update(venue: venue, id: current.event.id, actor: context.actor) { old in
                    var new = input
                    new.endsAt = old.endsAt
                    return new
                }
                return seeOther("/events/\(current.event.id)?done=saved")
            } catch let error as CrierError {
                guard var fields = error.fieldMessages else { throw error }
                for (field, message) in errors.fields { fields.add(field, message) }
                return try await staff.render("event_form", self.form(title: "Edit \(current.event.name)", action: "/events/\(current.event.id)/edit",
                                                                      input: input, errors: fields, zone: try context.requireVenue().timeZone), context, status: error.formStatus)
            }
        }
        web.get("events/:id/cancel") { _, context in
            let event = try await event(context)
            let bookings = event.seatedBookings + event.reminderOnlyBookings
            let text = FormField.checkbox(name: "text_attendees", label: "Text the \(bookings) people booked that it is cancelled", checked: false,
                                          hint: "They get the “booking cancelled” text (see Settings, Templates). Anyone who opted out is not texted.")
            return try await staff.render("event_cancel", EventCancellation(id: event.event.id, name: event.event.name, bookings: bookings,
                                                                            text: bookings > 0 ? text : nil), context)
        }
        web.post("events/:id/cancel") { request, context in
            let form = try await staff.form(request, context)
            let event = try await event(context)
            let text = form["text_attendees"] == "true"
            _ = try await store.events.cancel(venueId: event.event.venueId, id: event.event.id, textAttendees: text, actor: context.actor)
            return seeOther("/events/\(event.event.id)?done=\(text ? "cancelled_texted" : "cancelled")")
        }
    }

    func event(_ context: CrierRequestContext) async throws -> EventSummary {
        let venue = try context.requireVenue()
        return try await store.events.get(venueId: venue.id, id: try context.pathID("id", "event"))
    }

    func detail(_ request: Request, _ context: CrierRequestContext) async throws -> Response {
        let summary = try await event(context)
        let venue = try context.requireVenue()
        let time = try staff.time(context)
        let rows = try await store.bookings.withCustomers(venueId: venue.id, eventId: summary.event.id).map { booking, customer in
            EventDetail.Booking(id: booking.id, customerId: customer.id, customer: "\(customer.firstName) \(customer.lastName)",
                                seats: booking.seats, reminderOnly: booking.isReminderOnly, notes: booking.notes)
        }
        var notice = ["added": "Event added.", "saved": "Changes saved. Reminders follow the new time.",
                      "cancelled": "Event cancelled. Its reminders are withdrawn.",
                      "cancelled_texted": "Event cancelled. Its reminders are withdrawn, and everyone booked is being texted."][request.uri.queryParameters.get("done").map { String($0) } ?? ""]
        if let bookingId = request.uri.queryParameters.get("booking").flatMap({ Int64($0) }) {
            notice = try await BookingPages.queuedNotice(store: store, venueId: venue.id, bookingId: bookingId,
                                                         done: request.uri.queryParameters.get("done").map { String($0) } ?? "", time: time)
        }
        let view = EventDetail(event: Self.row(summary, time: time), description: summary.event.description, bookings: rows,
                               hasBookings: !rows.isEmpty, zone: time.zoneName)
        return try await staff.render("event", view, context, notice: notice)
    }

    func form(title: String, action: String, input: EventInput, errors: FieldErrors, zone: TimeZone) -> FormPage {
        FormPage(title: title, action: action, fields: [
            FormField(name: "name", label: "Name", value: input.name, error: errors.fields["name"], required: true),
            FormField(name: "starts_at", label: "Starts", value: input.startsAt, type: "datetime-local", error: errors.fields["starts_at"],
                      hint: "In the venue's time zone, \(zone.identifier).", required: true),
            FormField(name: "capacity", label: "Capacity (seats)", value: input.capacity.map { String($0) }, type: "number",
                      error: errors.fields["capacity"], hint: "Leave empty for no limit.", min: "0"),
            FormField(name: "description", label: "Description (optional)", value: input.description, error: errors.fields["description"],
                      textarea: true),
        ], errors: errors, back: "/events")
    }

    static func input(_ form: WebForm, errors: inout FieldErrors) -> EventInput {
        EventInput(name: form["name"], startsAt: form["starts_at"], capacity: form.int("capacity", errors: &errors), description: form["description"])
    }

    /// An event in a list; the dashboard says its day as people do (`relative`).
    static func row(_ summary: EventSummary, time: PageTime, relative: Bool = false) -> EventRow {
        let event = summary.event
        return EventRow(
            id: event.id, name: event.name, when: relative ? time.relative(event.startsAt) : time.dateAndTime(event.startsAt),
            cancelled: event.status == .cancelled, seatsBooked: summary.seatsBooked, capacity: event.capacity.map { String($0) } ?? "no limit",
            seatsLeft: summary.seatsLeft.map { String($0) } ?? "no limit", reminderOnly: summary.reminderOnlyBookings)
    }
}

/// An event as lists show it.
struct EventRow: Encodable {
    var id: Int64
    var name, when: String
    var cancelled: Bool
    var seatsBooked: Int
    var capacity, seatsLeft: String
    var reminderOnly: Int
}

/// Upcoming or past events.
struct EventList: Encodable {
    var past: Bool
    var events: [EventRow]
    var hasEvents: Bool
    var next: String?
}

/// An event's page: its figures and who is booked.
struct EventDetail: Encodable {
    struct Booking: Encodable {
        var id, customerId: Int64
        var customer: String
        var seats: Int
        var reminderOnly: Bool
        var notes: String?
    }
    var event: EventRow
    var description: String?
    var bookings: [Booking]
    var hasBookings: Bool
    /// The venue's zone, which the event's time is in.
    var zone: String
}

/// "Cancel this event?", with the choice to text those booked when there are any.
struct EventCancellation: Encodable {
    var id: Int64
    var name: String
    var bookings: Int
    var text: FormField?
}
