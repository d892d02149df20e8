import CrierCore
import CrierStore
import Foundation
import Hummingbird

/// Customers: A–Z list with search and paging, add, edit, delete (with a confirmation page) and
/// the customer's page: contact, consent, bookings and every text in and out.
struct CustomerPages: Sendable {
    let staff: StaffPages
    var store: Store { staff.store }
    static let pageSize = 50

    func register(on web: RouterGroup<CrierRequestContext>) {
        web.get("customers") { request, context in
            let venue = try context.requireVenue()
            let query = request.uri.queryParameters.get("q").map { String($0) }
            let page = try await store.customers.list(
                venue: venue, query: query, cursor: request.uri.queryParameters.get("cursor").map { String($0) }, limit: Self.pageSize)
            let view = CustomerList(
                q: query.flatMap { $0.isEmpty ? nil : $0 }, customers: page.items.map(Self.row), hasCustomers: !page.items.isEmpty,
                next: page.nextCursor.map { next in
                    "/customers?" + [query.map { "q=" + queryValue($0) }, "cursor=" + queryValue(next)].compactMap { $0 }.joined(separator: "&")
                })
            let notice = ["1": nil, "erased": "Erased: nothing Crier holds names them any more."][request.uri.queryParameters.get("done").map { String($0) } ?? "1"] ?? nil
            return try await staff.render("customers", view, context, notice: notice)
        }
        web.get("customers/new") { request, context in
            // Prefilled from the inbox's "create customer" for an unknown sender.
            let mobile = request.uri.queryParameters.get("mobile").map { String($0) }
            return try await staff.render("customer_form", form(title: "Add a customer", action: "/customers/new", input: CustomerInput(
                firstName: nil, lastName: nil, mobile: mobile), errors: FieldErrors(), inbox: request.uri.queryParameters.get("inbox").map { String($0) }), context)
        }
        web.post("customers/new") { request, context in
            let form = try await staff.form(request, context)
            let venue = try context.requireVenue()
            let input = Self.input(form)
            do {
                let customer = try await store.customers.create(venue: venue, input: input, actor: context.actor)
                // Came from an unknown sender's text: file it (and their other texts) under the new customer.
                if let inbox = form["inbox"].flatMap(Int64.init) {
                    _ = try await store.inbox.link(venueId: venue.id, id: inbox, customerId: customer.id, actor: context.actor)
                }
                return seeOther("/customers/\(customer.id)?done=added")
            } catch let error as CrierError {
                guard let errors = error.fieldMessages else { throw error }
                return try await staff.render("customer_form", self.form(title: "Add a customer", action: "/customers/new", input: input,
                                                                         errors: errors, inbox: form["inbox"]), context, status: error.formStatus)
            }
        }
        web.get("customers/:id") { request, context in try await detail(request, context) }
        web.get("customers/:id/edit") { _, context in
            let customer = try await customer(context)
            return try await staff.render("customer_form", form(title: "Edit \(customer.firstName) \(customer.lastName)",
                                                                action: "/customers/\(customer.id)/edit", input: CustomerInput(customer),
                                                                errors: FieldErrors(), inbox: nil), context)
        }
        web.post("customers/:id/edit") { request, context in
            let form = try await staff.form(request, context)
            let current = try await customer(context)
            let venue = try context.requireVenue()
            let input = Self.input(form)
            do {
                _ = try await store.customers.update(venue: venue, id: current.id, actor: context.actor) { _ in input }
                return seeOther("/customers/\(current.id)?done=saved")
            } catch let error as CrierError {
                guard let errors = error.fieldMessages else { throw error }
                return try await staff.render("customer_form", self.form(title: "Edit \(current.firstName) \(current.lastName)",
                                                                         action: "/customers/\(current.id)/edit", input: input, errors: errors,
                                                                         inbox: nil), context, status: error.formStatus)
            }
        }
        web.get("customers/:id/delete") { _, context in
            let customer = try await customer(context)
            let bookings = try await store.bookings.withEvents(venueId: customer.venueId, customerId: customer.id)
            let active = bookings.filter { $0.booking.status == .active }.count
            return try await staff.render("customer_delete", CustomerDeletion(
                id: customer.id, name: "\(customer.firstName) \(customer.lastName)", bookings: active > 0 ? active : nil), context)
        }
        web.post("customers/:id/delete") { request, context in
            _ = try await staff.form(request, context)
            let customer = try await customer(context)
            try await store.customers.delete(venueId: customer.venueId, id: customer.id, actor: context.actor)
            return seeOther("/customers?deleted=1")
        }
    }

    func customer(_ context: CrierRequestContext) async throws -> Customer {
        let venue = try context.requireVenue()
        return try await store.customers.get(venueId: venue.id, id: try context.pathID("id", "customer"))
    }

    func detail(_ request: Request, _ context: CrierRequestContext) async throws -> Response {
        let customer = try await customer(context)
        let time = try staff.time(context)
        let consent = try await store.consents.get(venueId: customer.venueId, customerId: customer.id)
        let bookings = try await store.bookings.withEvents(venueId: customer.venueId, customerId: customer.id)
        let messages = try await store.messages.list(venueId: customer.venueId, filter: MessageFilter(customerId: customer.id), cursor: nil, limit: 100)
        let active = bookings.filter { $0.booking.status == .active }
        func booking(_ b: (booking: Booking, event: Event)) -> CustomerDetail.Booking {
            .init(id: b.booking.id, eventId: b.event.id, event: b.event.name, when: time.dateAndTime(b.event.startsAt),
                  seats: b.booking.seats, notes: b.booking.notes)
        }
        let notices = ["added": "Customer added.", "saved": "Changes saved.", "replied": "Reply queued."]
        let panels = try await staff.customerPanels(customerId: customer.id, context)
        let view = CustomerDetail(
            panels: panels, id: customer.id, name: "\(customer.firstName) \(customer.lastName)", mobile: customer.mobile.e164,
            email: customer.email, notes: customer.notes,
            transactional: consent.state.transactional ? "yes" : "no", marketing: consent.state.marketing ? "yes" : "no",
            optedOut: !consent.state.transactional,
            history: consent.history.reversed().map { change in
                .init(when: time.dateAndTime(change.changedAt), purpose: change.purpose.rawValue, granted: change.granted ? "yes" : "no",
                      source: change.source.rawValue, note: change.note)
            },
            seated: active.filter { !$0.booking.isReminderOnly }.map(booking),
            reminderOnly: active.filter { $0.booking.isReminderOnly }.map(booking),
            messages: messages.items.map { MessagePages.row($0, time: time) }, zone: time.zoneName)
        return try await staff.render("customer", view, context, notice: request.uri.queryParameters.get("done").flatMap { notices[String($0)] })
    }

    func form(title: String, action: String, input: CustomerInput, errors: FieldErrors, inbox: String?) -> FormPage {
        FormPage(title: title, action: action, fields: [
            FormField(name: "first_name", label: "First name", value: input.firstName, error: errors.fields["first_name"], required: true),
            FormField(name: "last_name", label: "Last name", value: input.lastName, error: errors.fields["last_name"], required: true),
            FormField(name: "mobile", label: "Mobile", value: input.mobile, type: "tel", error: errors.fields["mobile"],
                      hint: "A mobile number; confirmations and reminders go to it.", required: true),
            FormField(name: "email", label: "Email (optional)", value: input.email, type: "email", error: errors.fields["email"]),
            FormField(name: "notes", label: "Notes (optional)", value: input.notes, error: errors.fields["notes"], textarea: true),
        ], errors: errors, back: "/customers", inbox: inbox)
    }

    static func input(_ form: WebForm) -> CustomerInput {
        CustomerInput(firstName: form["first_name"], lastName: form["last_name"], mobile: form["mobile"], email: form["email"], notes: form["notes"])
    }

    static func row(_ customer: Customer) -> CustomerRow {
        CustomerRow(id: customer.id, firstName: customer.firstName, lastName: customer.lastName, mobile: customer.mobile.e164)
    }
}

/// A customer in a list.
struct CustomerRow: Encodable {
    var id: Int64
    var firstName, lastName, mobile: String
}

/// The A–Z list, with what was searched for.
struct CustomerList: Encodable {
    var q: String?
    var customers: [CustomerRow]
    var hasCustomers: Bool
    var next: String?
}

/// "Delete this customer?", with their active bookings when there are any.
struct CustomerDeletion: Encodable {
    var id: Int64
    var name: String
    var bookings: Int?
}

/// A customer's page: contact, consent, bookings, texts and the plugins' sections.
struct CustomerDetail: Encodable {
    struct Booking: Encodable {
        var id, eventId: Int64
        var event, when: String
        var seats: Int
        var notes: String?
    }
    struct ConsentChange: Encodable {
        var when, purpose, granted, source: String
        var note: String?
    }
    var panels: [CustomerSection]
    var id: Int64
    var name, mobile: String
    var email, notes: String?
    var transactional, marketing: String
    var optedOut: Bool
    var history: [ConsentChange]
    var seated, reminderOnly: [Booking]
    var messages: [MessageRow]
    /// The venue's zone, which every time on the page is in.
    var zone: String
}

/// A plugin's section of a customer's page: its HTML, or that it failed.
struct CustomerSection: Encodable {
    var title: String
    var html: String?
    var failed: Bool
}

extension CustomerInput {
    init(_ customer: Customer) {
        self.init(firstName: customer.firstName, lastName: customer.lastName, mobile: customer.mobile.e164, email: customer.email, notes: customer.notes)
    }
}
