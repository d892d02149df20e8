import CrierCore
import CrierPluginKit
import CrierStore
import Hummingbird

/// `/api/v1/customers`: create, list and search, detail with bookings, update, delete,
/// the customer's journal and their SMS consent.
struct CustomerRoutes {
    let store: Store
    static let fields: Set<String> = ["first_name", "last_name", "mobile", "email", "notes"]

    func register(on api: DocumentedRoutes) {
        let customers = api.group("customers")
        customers.post(APIOperation(
            "createCustomer", "Create a customer; the mobile is checked and stored as E.164", tag: "Customers",
            body: .json(.ref("CustomerInput"), example: ["first_name": "Ada", "last_name": "Lovelace", "mobile": "+447700900123"]),
            responses: [.created(.ref("Customer"), "the customer"), .error(409, "mobile_taken: another customer has this mobile")])
        ) { request, context in
            let venue = try context.requireVenue()
            var body = try await JSONBody.read(request, allowed: Self.fields)
            let input = CustomerInput(
                firstName: body.string("first_name") ?? nil, lastName: body.string("last_name") ?? nil,
                mobile: body.string("mobile") ?? nil, email: body.string("email") ?? nil, notes: body.string("notes") ?? nil)
            try body.throwIfInvalid()
            let customer = try await store.customers.create(venue: venue, input: input, actor: context.actor)
            return JSONResponse(Representation.customer(customer), status: .created,
                                headers: [.location: "/api/v1/customers/\(customer.id)"])
        }
        customers.get(APIOperation(
            "listCustomers", "Customers A-Z; q searches names and mobiles", tag: "Customers",
            parameters: [.query("q", .string(), "a name, or at least three digits of a mobile"), .cursor, .limit],
            responses: [.ok(.ref("CustomerList"), "a page of customers")])
        ) { request, context in
            let venue = try context.requireVenue()
            let page = try await store.customers.list(
                venue: venue, query: request.uri.queryParameters.get("q"),
                cursor: request.uri.queryParameters.get("cursor"), limit: try request.pageLimit())
            return JSONResponse(Representation.page(page, Representation.customer))
        }
        customers.get(":id", APIOperation(
            "getCustomer", "A customer with consent and bookings", tag: "Customers", parameters: [.path("id")],
            responses: [.ok(.ref("CustomerDetail"), "the customer")])
        ) { _, context in
            let venue = try context.requireVenue()
            let id = try context.pathID("id", "customer")
            let customer = try await store.customers.get(venueId: venue.id, id: id)
            return JSONResponse(try await detail(customer, venue: venue))
        }
        customers.patch(":id", APIOperation(
            "updateCustomer", "Change a customer (a key left out keeps its value)", tag: "Customers", parameters: [.path("id")],
            body: .json(.ref("CustomerChange"), example: ["notes": "Prefers the window table"]),
            responses: [.ok(.ref("CustomerDetail"), "the customer as changed"), .error(409, "mobile_taken: another customer has this mobile")])
        ) { request, context in
            let venue = try context.requireVenue()
            let id = try context.pathID("id", "customer")
            var body = try await JSONBody.read(request, allowed: Self.fields)
            let first = body.string("first_name"), last = body.string("last_name"), mobile = body.string("mobile")
            let email = body.string("email"), notes = body.string("notes")
            try body.throwIfInvalid()
            let customer = try await store.customers.update(venue: venue, id: id, actor: context.actor) { current in
                var input = current
                if let first { input.firstName = first }
                if let last { input.lastName = last }
                if let mobile { input.mobile = mobile }
                if let email { input.email = email }
                if let notes { input.notes = notes }
                return input
            }
            return JSONResponse(try await detail(customer, venue: venue))
        }
        customers.delete(":id", APIOperation(
            "deleteCustomer", "Delete a customer and their bookings", tag: "Customers", parameters: [.path("id")], responses: [.noContent])
        ) { _, context in
            let venue = try context.requireVenue()
            try await store.customers.delete(venueId: venue.id, id: try context.pathID("id", "customer"), actor: context.actor)
            return Response(status: .noContent)
        }
        customers.post(":id/erase", APIOperation(
            "eraseCustomer", "Erase a customer: delete them and scrub their personal data everywhere (a data-deletion request)",
            tag: "Customers", parameters: [.path("id")], responses: [.ok(.ref("Erasure"), "what was erased")])
        ) { _, context in
            let venue = try context.requireVenue()
            let report = try await store.erasure.erase(venueId: venue.id, customerId: try context.pathID("id", "customer"), actor: context.actor)
            return JSONResponse(Representation.erasure(report))
        }
        customers.get(":id/journal", APIOperation(
            "listCustomerJournal", "The customer's journal, newest first", tag: "Customers", parameters: [.path("id"), .cursor, .limit],
            responses: [.ok(.ref("JournalList"), "a page of journal entries")])
        ) { request, context in
            let venue = try context.requireVenue()
            let page = try await store.journal.forCustomer(
                venueId: venue.id, customerId: try context.pathID("id", "customer"),
                cursor: request.uri.queryParameters.get("cursor"), limit: try request.pageLimit())
            return JSONResponse(Representation.page(page, Representation.journal))
        }
        customers.get(":id/consent", APIOperation(
            "getConsent", "SMS consent and its history", tag: "Customers", parameters: [.path("id")],
            responses: [.ok(.ref("Consent"), "consent now and every change")])
        ) { _, context in
            let venue = try context.requireVenue()
            let consent = try await store.consents.get(venueId: venue.id, customerId: try context.pathID("id", "customer"))
            return JSONResponse(Representation.consent(consent.state, history: consent.history))
        }
        customers.patch(":id/consent", APIOperation(
            "updateConsent", "Change SMS consent; withdrawing transactional consent waits for texts already with the provider",
            tag: "Customers", parameters: [.path("id")],
            body: .json(.ref("ConsentChange"), example: ["sms": ["marketing": false], "note": "asked at the bar"]),
            responses: [.ok(.ref("Consent"), "consent as changed")])
        ) { request, context in
            let venue = try context.requireVenue()
            let id = try context.pathID("id", "customer")
            var body = try await JSONBody.read(request, allowed: ["sms", "note"])
            let note = body.string("note") ?? nil
            var changes: [ConsentPurpose: Bool] = [:]
            switch body.object("sms") {
            case .some(.some(let sms)):
                for (key, value) in sms {
                    guard let purpose = ConsentPurpose(rawValue: key) else {
                        body.errors.add("sms.\(key)", "is not a consent purpose (transactional, marketing)")
                        continue
                    }
                    guard case .bool(let granted) = value else {
                        body.errors.add("sms.\(key)", "must be true or false")
                        continue
                    }
                    changes[purpose] = granted
                }
            default: body.errors.add("sms", "is required: {\"transactional\": bool, \"marketing\": bool}")
            }
            try body.throwIfInvalid()
            let consent = try await store.consents.set(
                venueId: venue.id, customerId: id, changes: changes, source: .api, note: note, actor: context.actor)
            if changes[.transactional] == false {
                await store.dispatch.waitForCallsInFlight(venueId: venue.id, customerId: id, deadline: 10)
            }
            return JSONResponse(Representation.consent(consent.state, history: consent.history))
        }
    }

    /// A customer with consent and bookings split as staff think of them.
    func detail(_ customer: Customer, venue: Venue) async throws -> JSONValue {
        guard case .object(var json) = Representation.customer(customer) else { return .null }
        let consent = try await store.consents.get(venueId: venue.id, customerId: customer.id)
        json["consent"] = ["sms": ["transactional": .bool(consent.state.transactional), "marketing": .bool(consent.state.marketing)]]
        let zone = venue.timeZone
        var active: [JSONValue] = [], reminderOnly: [JSONValue] = [], cancelled: [JSONValue] = []
        for (booking, event) in try await store.bookings.withEvents(venueId: venue.id, customerId: customer.id) {
            guard case .object(var b) = Representation.booking(booking) else { continue }
            b["event"] = ["id": Representation.id(event.id), "name": .string(event.name),
                          "starts_at": .string(EventTime.rfc3339(event.startsAt, in: zone)), "status": .string(event.status.rawValue)]
            if booking.status == .cancelled { cancelled.append(.object(b)) }
            else if booking.isReminderOnly { reminderOnly.append(.object(b)) }
            else { active.append(.object(b)) }
        }
        json["bookings"] = ["active": .array(active), "reminder_only": .array(reminderOnly), "cancelled": .array(cancelled)]
        return .object(json)
    }
}
