import CrierPluginKit
import Foundation

/// `GET /api/v1/plugins/contacts/contacts` (search, sort, filters, cursor) and
/// `GET /api/v1/plugins/contacts/contacts/{customer_id}`, for the API key's venue.
enum ContactsAPI {
    static func list(_ request: PluginRequest) async throws -> PluginResponse {
        let services = request.services
        let caller = request.caller
        let zone = try await services.records.timeZone(venueId: caller.venueId)
        let filter = try ContactFilter.read(request.query, venueIds: [caller.venueId], now: services.clock.now(), zone: zone)
        let limit = try request.pageLimit()
        let page = try await services.database.read { db in try await ContactList.page(db, filter, cursor: request.query["cursor"], limit: limit) }
        let items = try await json(page.items, services: services, now: filter.now)
        return .json(["items": .array(items), "next_cursor": .from(page.next)])
    }

    static func one(_ request: PluginRequest) async throws -> PluginResponse {
        let id = try request.id("customer_id", of: "contact")
        let venue = request.caller.venueId
        let found = try await request.services.database.read { db in try await ContactList.one(db, customerId: id, venueId: venue) }
        guard let contact = found else { throw CrierError.notFound("contact") }
        let now = Int64(request.services.clock.now().timeIntervalSince1970 * 1000)
        return .json(try await json([contact], services: request.services, now: now)[0])
    }

    /// The customer's contact as the API shows it, or null: their part of a data-access export.
    static func record(customerId: Int64, venueId: Int64, services: PluginServices) async throws -> JSONValue {
        guard let contact = try await services.database.read({ db in try await ContactList.one(db, customerId: customerId, venueId: venueId) })
        else { return .null }
        return try await json([contact], services: services, now: Int64(services.clock.now().timeIntervalSince1970 * 1000))[0]
    }

    /// Contacts as the API shows them, with their details and last reply's words.
    static func json(_ contacts: [Contact], services: PluginServices, now: Int64) async throws -> [JSONValue] {
        let enriched = try await ContactsView.enrich(contacts, services: services, now: now)
        let utc = TimeZone(identifier: "UTC")!
        return enriched.map { row in
            let c = row.contact
            var reply: JSONValue = .null
            if let id = c.lastReplyId, let at = c.lastReplyAt {
                reply = ["message_id": .number(Double(id)), "at": .string(EventTime.rfc3339(date(at), in: utc)), "body": .from(row.lastReply)]
            }
            return [
                "customer_id": .number(Double(c.customerId)), "venue_id": .number(Double(c.venueId)),
                "first_name": .string(c.firstName), "last_name": .string(c.lastName), "mobile": .string(c.mobile),
                "bookings": .from(c.bookings), "active_seats": .from(c.activeSeats), "reminder_only": .from(c.reminderOnly),
                "cancellations": .from(c.cancellations), "messages_in": .from(c.messagesIn), "messages_out": .from(c.messagesOut),
                "first_interaction_at": .string(EventTime.rfc3339(date(c.firstAt), in: utc)),
                "last_interaction_at": .string(EventTime.rfc3339(date(c.lastAt), in: utc)),
                "last_reply": reply, "opted_out": .bool(c.optedOut),
                "events_attended": .array(row.attended.map(JSONValue.string)), "upcoming_bookings": .from(row.upcoming),
            ]
        }
    }

    static func date(_ millis: Int64) -> Date { Date(timeIntervalSince1970: Double(millis) / 1000) }
}

/// A contact with what a page or the API shows beside it.
struct ContactsView {
    var contact: Contact
    var attended: [String]
    var upcoming: Int
    var lastReply: String?

    static func enrich(_ contacts: [Contact], services: PluginServices, now: Int64) async throws -> [ContactsView] {
        let ids = contacts.map(\.customerId)
        let details = try await services.database.read { db in try await ContactList.details(db, customerIds: ids, now: now) }
        var replies: [Int64: String] = [:]
        for venue in Set(contacts.map(\.venueId)) {
            let messageIds = contacts.filter { $0.venueId == venue }.compactMap(\.lastReplyId)
            for message in try await services.records.messages(venueId: venue, ids: messageIds) { replies[message.id] = message.body }
        }
        return contacts.map { c in
            ContactsView(contact: c, attended: details[c.customerId]?.attended ?? [], upcoming: details[c.customerId]?.upcoming ?? 0,
                         lastReply: c.lastReplyId.flatMap { replies[$0] })
        }
    }
}
