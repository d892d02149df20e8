import CrierCore
import CrierPluginKit
import CrierStore
import Hummingbird

/// `/api/v1/inbox`: customers' texts newest first (unread, read, unmatched), read marks, linking an
/// unknown sender to a customer; and `POST /api/v1/customers/{id}/messages`, a staff reply.
struct InboxRoutes {
    let store: Store

    func register(on api: DocumentedRoutes) {
        let inbox = api.group("inbox")
        inbox.get(APIOperation(
            "listInbox", "Customers' texts, newest first", tag: "Inbox",
            parameters: [.query("filter", .oneOf(InboxFilter.allCases.map(\.rawValue)), "all (default), unread, read or unmatched"), .cursor, .limit],
            responses: [.ok(.ref("InboxList"), "a page of texts")])
        ) { request, context in
            let venue = try context.requireVenue()
            let filter = try request.queryEnum("filter", as: InboxFilter.self) ?? .all
            let page = try await store.inbox.list(
                venueId: venue.id, filter: filter, cursor: request.uri.queryParameters.get("cursor"), limit: try request.pageLimit())
            return JSONResponse(Representation.page(page, Self.item))
        }
        inbox.get(":id", APIOperation(
            "getInboxText", "One inbound text", tag: "Inbox", parameters: [.path("id")], responses: [.ok(.ref("InboxItem"), "the text")])
        ) { _, context in
            let venue = try context.requireVenue()
            return JSONResponse(Self.item(try await store.inbox.get(venueId: venue.id, id: try context.pathID("id", "inbox message"))))
        }
        inbox.post(":id/read", APIOperation(
            "markInboxText", "Mark read, or with {\"read\": false} unread", tag: "Inbox", parameters: [.path("id")],
            body: .json(.ref("ReadMark"), required: false, example: ["read": true]), responses: [.ok(.ref("InboxItem"), "the text")])
        ) { request, context in
            let venue = try context.requireVenue()
            var body = try await JSONBody.read(request, allowed: ["read"], emptyAllowed: true)
            let read = body.bool("read") ?? true
            try body.throwIfInvalid()
            let item = try await store.inbox.mark(venueId: venue.id, id: try context.pathID("id", "inbox message"), read: read)
            return JSONResponse(Self.item(item))
        }
        inbox.post(":id/link", APIOperation(
            "linkInboxText", "File the text, and the sender's other unmatched texts, under a customer", tag: "Inbox",
            parameters: [.path("id")], body: .json(.ref("Link"), example: ["customer_id": 1]), responses: [.ok(.ref("InboxItem"), "the text")])
        ) { request, context in
            let venue = try context.requireVenue()
            var body = try await JSONBody.read(request, allowed: ["customer_id"])
            let customer = body.int("customer_id") ?? nil
            if customer == nil, !body.has("customer_id") { body.errors.add("customer_id", "is required") }
            try body.throwIfInvalid()
            let item = try await store.inbox.link(
                venueId: venue.id, id: try context.pathID("id", "inbox message"), customerId: Int64(customer ?? 0), actor: context.actor)
            return JSONResponse(Self.item(item))
        }
        api.post("customers/:id/messages", APIOperation(
            "textCustomer", "Text a customer (queued; an Idempotency-Key header makes retries safe)", tag: "Inbox",
            parameters: [.path("id"), APIParameter("Idempotency-Key", in: .header, required: false, schema: .string(maxLength: 200),
                                                   description: "the same key answers the first request's text, not a second one")],
            body: .json(.ref("StaffReply"), example: ["body": "Your table is ready."]),
            responses: [APIResponse(202, "queued", schema: .ref("Message")), .ok(.ref("Message"), "already queued under this Idempotency-Key"),
                        .error(409, "the customer has opted out, or the key was used for a different text")])
        ) { request, context in
            let venue = try context.requireVenue()
            var body = try await JSONBody.read(request, allowed: ["body"])
            let text = body.string("body") ?? nil
            if text == nil { body.errors.add("body", "is required") }
            try body.throwIfInvalid()
            let (message, created) = try await store.inbox.reply(
                venueId: venue.id, customerId: try context.pathID("id", "customer"), body: text ?? "",
                idempotencyKey: request.headers[.init("Idempotency-Key")!], actor: context.actor)
            // Queued: the dispatcher sends it within its poll interval.
            return JSONResponse(Representation.message(message), status: created ? .accepted : .ok,
                                headers: [.location: "/api/v1/messages/\(message.id)"])
        }
    }

    static func item(_ i: InboxItem) -> JSONValue {
        guard case .object(var json) = Representation.message(i.message) else { return .null }
        json["read"] = .bool(i.readAt != nil)
        json["read_at"] = Representation.instant(i.readAt)
        json["customer_name"] = .from(i.customerName)
        return .object(json)
    }
}
