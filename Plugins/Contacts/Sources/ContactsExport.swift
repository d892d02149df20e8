import CrierPluginKit
import Foundation

/// The contact list as CSV, with the filters and sort the list was showing (`?q=&sort=...&bom=1`),
/// read a page at a time and streamed. The exports page links here when contacts is loaded.
enum ContactsExport {
    static let header = [
        "customer_id", "first_name", "last_name", "mobile", "bookings", "active_seats", "reminder_only", "cancellations",
        "texts_in", "texts_out", "first_interaction_at", "last_interaction_at", "last_reply", "opted_out", "events_attended",
        "upcoming_bookings",
    ]

    static func download(_ request: PluginRequest) async throws -> PluginResponse {
        let services = request.services, caller = request.caller
        guard let venue = try await services.records.venues(ids: [caller.venueId]).first else { throw CrierError.notFound("venue") }
        let filter = try ContactFilter.read(request.query, venueIds: [venue.id], now: services.clock.now(), zone: venue.timeZone)
        let bom = request.flag("bom")
        let day = EventTime.rfc3339(services.clock.now(), in: venue.timeZone).prefix(10)
        let time = RFC3339Writer(zone: venue.timeZone)
        return .download(filename: "contacts-\(venue.slug)-\(day).csv", contentType: "text/csv; charset=utf-8") { sink in
            var csv = CSVWriter(byteOrderMark: bom)
            try await sink.write(csv.record(header))
            var cursor: String?
            repeat {
                let after = cursor
                let page = try await services.database.read { db in try await ContactList.page(db, filter, cursor: after, limit: 500) }
                var out: [UInt8] = []
                for row in try await ContactsView.enrich(page.items, services: services, now: filter.now) {
                    CSVWriter.append(fields(row, time: time), to: &out)
                }
                try await sink.write(out)
                cursor = page.next
            } while cursor != nil
        }
    }

    static func fields(_ row: ContactsView, time writer: RFC3339Writer) -> [String] {
        let c = row.contact
        let time = { (millis: Int64) in writer.string(Date(timeIntervalSince1970: Double(millis) / 1000)) }
        return [
            String(c.customerId), c.firstName, c.lastName, c.mobile, String(c.bookings), String(c.activeSeats), String(c.reminderOnly),
            String(c.cancellations), String(c.messagesIn), String(c.messagesOut), time(c.firstAt), time(c.lastAt), row.lastReply ?? "",
            c.optedOut ? "yes" : "no", row.attended.joined(separator: "; "), String(row.upcoming),
        ]
    }
}
