import CrierPluginKit
import Foundation

/// The staff pages: the contact list (`/plugins/contacts`) and the panel on a customer's page.
struct ContactsPages: Sendable {
    let templates: PluginTemplates
    static let pageSize = 50

    func list(_ request: PluginRequest) async throws -> PluginResponse {
        let services = request.services
        let caller = request.caller
        let everyVenue = request.query["scope"] == "all" && caller.venueIds.count > 1
        let venues = try await services.records.venues(ids: everyVenue ? caller.venueIds : [caller.venueId])
        let zone = venues.first { $0.id == caller.venueId }?.timeZone ?? TimeZone(identifier: "UTC")!
        var view = ContactsPage(
            q: request.query["q"] ?? "", inactiveSince: request.query["inactive_since"] ?? "",
            severalVenues: caller.venueIds.count > 1, everyVenue: everyVenue,
            sorts: ContactFilter.Sort.allCases.map { sort in
                .init(value: sort.rawValue, label: Self.sortLabels[sort]!, selected: (request.query["sort"] ?? "last_interaction") == sort.rawValue)
            },
            optedOutChoices: Self.choices(request.query["opted_out"]), upcomingChoices: Self.choices(request.query["upcoming"]),
            canDownload: caller.canDownload, zone: zone.identifier)
        let filter: ContactFilter
        do {
            filter = try ContactFilter.read(request.query, venueIds: venues.map(\.id), now: services.clock.now(), zone: zone)
        } catch let error as CrierError {
            guard case .invalid(let errors) = error else { throw error }
            view.errors = errors.fields.sorted { $0.key < $1.key }.map { .init(field: $0.key, message: $0.value) }
            return .page(title: "Contacts", html: templates.render("contacts", view), status: 422)
        }
        let page = try await services.database.read { db in
            try await ContactList.page(db, filter, cursor: request.query["cursor"], limit: Self.pageSize)
        }
        let names = Dictionary(uniqueKeysWithValues: venues.map { ($0.id, $0.name) })
        let time = StaffTime(zone: zone)
        view.contacts = try await ContactsView.enrich(page.items, services: services, now: filter.now).map { row in
            let c = row.contact
            return .init(
                name: "\(c.firstName) \(c.lastName)", mobile: c.mobile, venue: everyVenue ? names[c.venueId] ?? "" : nil,
                link: c.venueId == caller.venueId ? "/customers/\(c.customerId)" : nil, bookings: c.bookings,
                activeSeats: c.activeSeats, reminderOnly: c.reminderOnly, cancellations: c.cancellations,
                messages: "\(c.messagesIn) in, \(c.messagesOut) out", last: time.text(millis: c.lastAt), optedOut: c.optedOut,
                upcoming: row.upcoming > 0, everyVenue: everyVenue)
        }
        view.none = page.items.isEmpty
        let shown = request.query.filter { !$0.value.isEmpty && $0.key != "cursor" && $0.key != "scope" }
        view.export = "/plugins/contacts/export?" + FormBody.encode(shown.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        if let next = page.next {
            var query = request.query
            query["cursor"] = next
            view.next = "/plugins/contacts?" + FormBody.encode(query.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        }
        return .page(title: "Contacts", html: templates.render("contacts", view))
    }

    func panel(customerId: Int64, caller: PluginCaller, services: PluginServices) async throws -> String {
        let venue = caller.venueId
        let found = try await services.database.read { db in try await ContactList.one(db, customerId: customerId, venueId: venue) }
        guard let contact = found else { return templates.render("contact_panel", ContactPanel.pending) }
        let now = Int64(services.clock.now().timeIntervalSince1970 * 1000)
        let view = try await ContactsView.enrich([contact], services: services, now: now)[0]
        let time = StaffTime(zone: try await services.records.timeZone(venueId: venue))
        return templates.render("contact_panel", ContactPanel(
            pending: false, bookings: contact.bookings, activeSeats: contact.activeSeats, reminderOnly: contact.reminderOnly > 0 ? contact.reminderOnly : nil,
            cancellations: contact.cancellations, first: time.text(millis: contact.firstAt), last: time.text(millis: contact.lastAt),
            attended: view.attended.isEmpty ? nil : view.attended.joined(separator: ", "), upcoming: view.upcoming, messagesIn: contact.messagesIn,
            messagesOut: contact.messagesOut, lastReply: view.lastReply, lastReplyAt: contact.lastReplyAt.map { time.text(millis: $0) },
            optedOut: contact.optedOut))
    }

    static let sortLabels: [ContactFilter.Sort: String] = [.lastInteraction: "Last interaction", .bookings: "Most bookings", .name: "Name"]

    static func choices(_ current: String?) -> [ContactsPage.Choice] {
        [("", "Any"), ("true", "Yes"), ("false", "No")].map { .init(value: $0.0, label: $0.1, selected: $0.0 == (current ?? "")) }
    }
}
