import CrierPluginKit
import Foundation

/// One customer's whole timeline as CSV, oldest row last as on the page, for a data-access
/// request: read a page at a time and streamed, so its length does not matter.
enum TimelineExport {
    static let header = ["When", "Kind", "What", "Event", "Seats", "Words", "Delivery status", "Error code", "By"]

    static func download(_ filter: TimelineFilter, customer: Customer, zone: TimeZone, byteOrderMark: Bool, services: PluginServices) -> PluginResponse {
        let time = RFC3339Writer(zone: zone)
        let day = time.string(services.clock.now()).prefix(10)
        return .download(filename: "timeline-customer-\(customer.id)-\(day).csv", contentType: "text/csv; charset=utf-8") { sink in
            var csv = CSVWriter(byteOrderMark: byteOrderMark)
            try await sink.write(csv.record(header))
            var cursor: String?
            repeat {
                let after = cursor
                let page = try await services.database.read { db in try await TimelineList.page(db, filter, cursor: after, limit: 500) }
                var bytes: [UInt8] = []
                for view in try await TimelineView.make(page.rows, venueId: filter.venueId, services: services) {
                    bytes += csv.record(fields(view, time: time))
                }
                try await sink.write(bytes)
                cursor = page.next
            } while cursor != nil
        }
    }

    static func fields(_ view: TimelineView, time: RFC3339Writer) -> [String] {
        let when = time.string(Date(timeIntervalSince1970: Double(view.row.at) / 1000))
        if let note = view.row.note {
            return [when, "note", view.what, "", "", note.body, "", "", note.authorName]
        }
        let item = view.row.item!
        return [
            when, item.kind.rawValue, view.what, item.eventName ?? "", item.seats.map(String.init) ?? "", view.body ?? "",
            item.status ?? "", item.errorCode ?? "", item.actor,
        ]
    }
}
