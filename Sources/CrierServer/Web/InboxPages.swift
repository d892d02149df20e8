import CrierCore
import CrierStore
import Foundation
import Hummingbird

/// The inbox: customers' texts newest first, unread marked; unknown senders can be linked to a
/// customer or made one; staff reply to a customer from here or from the customer's page.
struct InboxPages: Sendable {
    let staff: StaffPages
    var store: Store { staff.store }

    func register(on web: RouterGroup<CrierRequestContext>) {
        web.get("inbox") { request, context in
            let venue = try context.requireVenue()
            let time = try staff.time(context)
            let filter = request.uri.queryParameters.get("show").flatMap { InboxFilter(rawValue: String($0)) } ?? .all
            let page = try await store.inbox.list(venueId: venue.id, filter: filter,
                                                  cursor: request.uri.queryParameters.get("cursor").map { String($0) }, limit: 50)
            let view = Inbox(
                filters: InboxFilter.allCases.map { .init(value: $0.rawValue, current: $0 == filter) },
                items: page.items.map { item in
                    .init(id: item.message.id, when: time.dateAndTime(item.message.createdAt), from: item.message.from ?? "unknown",
                          body: item.message.body ?? "", unread: item.readAt == nil, customer: item.customerName,
                          customerId: item.message.customerId, mobile: queryValue(item.message.from ?? ""))
                },
                hasItems: !page.items.isEmpty, next: page.nextCursor.map { "/inbox?show=\(filter.rawValue)&cursor=\(queryValue($0))" })
            return try await staff.render("inbox", view, context)
        }
        web.post("inbox/:id/read") { request, context in
            let form = try await staff.form(request, context)
            let venue = try context.requireVenue()
            _ = try await store.inbox.mark(venueId: venue.id, id: try context.pathID("id", "inbox message"), read: form["read"] != "false")
            return seeOther("/inbox")
        }
        web.post("inbox/:id/link") { request, context in
            let form = try await staff.form(request, context)
            let venue = try context.requireVenue()
            let id = try context.pathID("id", "inbox message")
            // Staff give the customer by mobile or name; exactly one match links.
            let query = (form["customer"] ?? "").trimmingCharacters(in: .whitespaces)
            let matches = query.isEmpty ? [] : try await store.customers.list(venue: venue, query: query, cursor: nil, limit: 2).items
            guard matches.count == 1 else {
                throw CrierError.invalid(FieldErrors("customer", matches.isEmpty ? "matches no customer" : "matches more than one customer: be more exact"))
            }
            _ = try await store.inbox.link(venueId: venue.id, id: id, customerId: matches[0].id, actor: context.actor)
            return seeOther("/customers/\(matches[0].id)")
        }
        web.post("customers/:id/reply") { request, context in
            let form = try await staff.form(request, context)
            let venue = try context.requireVenue()
            let customerId = try context.pathID("id", "customer")
            // The form's token makes a double-submitted reply one text, not two.
            _ = try await store.inbox.reply(venueId: venue.id, customerId: customerId, body: form["body"] ?? "",
                                            idempotencyKey: form["reply_key"], actor: context.actor)
            return seeOther("/customers/\(customerId)?done=replied")
        }
    }
}

/// The inbox's view: one filter shown, texts newest first.
struct Inbox: Encodable {
    struct Filter: Encodable {
        var value: String
        var current: Bool
    }
    struct Item: Encodable {
        var id: Int64
        var when, from, body: String
        var unread: Bool
        /// The customer's name; nil for an unknown sender.
        var customer: String?
        var customerId: Int64?
        /// The sender's number, for the "create customer" link.
        var mobile: String
    }
    var filters: [Filter]
    var items: [Item]
    var hasItems: Bool
    var next: String?
}
