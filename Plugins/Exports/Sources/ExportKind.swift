import CrierPluginKit
import Foundation

/// What can be exported, and how each is written: Crier's records read a page at a time (keyset,
/// by id) and streamed as RFC 4180 CSV, so a million rows take the memory of one page.
enum ExportKind: String, Sendable, CaseIterable {
    case customers, bookings, messages, consent

    static let pageSize = 1000

    var title: String {
        switch self {
        case .customers: return "Customers"
        case .bookings: return "Bookings"
        case .messages: return "Texts in and out"
        case .consent: return "Consent history"
        }
    }

    /// Column names a re-import recognises (`first_name`, `mobile`...).
    var header: [String] {
        switch self {
        case .customers: return ["customer_id", "first_name", "last_name", "mobile", "email", "notes", "created_at"]
        case .bookings:
            return ["booking_id", "event_id", "event", "event_starts_at", "customer_id", "customer", "mobile", "seats", "reminder_only",
                    "status", "source", "notes", "created_at", "cancelled_at"]
        case .messages:
            return ["message_id", "direction", "kind", "status", "reason", "customer_id", "to", "from", "body", "segments",
                    "scheduled_for", "sent_at", "error_code", "created_at"]
        case .consent: return ["change_id", "customer_id", "purpose", "granted", "source", "note", "changed_at"]
        }
    }

    /// `customers-crown-2026-11-21.csv`; one event's guest list is `guests-event-12-...`.
    func filename(venue: Venue, eventId: Int64?, now: Date) -> String {
        let day = EventTime.rfc3339(now, in: venue.timeZone).prefix(10)
        if self == .bookings, let eventId { return "guests-event-\(eventId)-\(venue.slug)-\(day).csv" }
        return "\(rawValue)-\(venue.slug)-\(day).csv"
    }

    /// Writes the header and every row to `sink`; `progress` hears each page's row count. Returns the rows written.
    @discardableResult
    func write(
        venue: Venue, eventId: Int64?, byteOrderMark: Bool, records: any CrierRecords, to sink: any ByteSink,
        progress: (@Sendable (Int) -> Void)? = nil
    ) async throws -> Int {
        var csv = CSVWriter(byteOrderMark: byteOrderMark)
        try await sink.write(csv.record(header))
        let writer = RFC3339Writer(zone: venue.timeZone)
        let time = { (date: Date?) in date.map(writer.string) ?? "" }
        var after: Int64 = 0, total = 0
        while true {
            var out: [UInt8] = []
            var count = 0
            switch self {
            case .customers:
                let page = try await records.customers(venueId: venue.id, after: after, limit: Self.pageSize)
                for c in page {
                    CSVWriter.append([String(c.id), c.firstName, c.lastName, c.mobile.e164, c.email ?? "", c.notes ?? "", time(c.createdAt)], to: &out)
                }
                (after, count) = (page.last?.id ?? after, page.count)
            case .bookings:
                let page = try await records.bookings(venueId: venue.id, eventId: eventId, after: after, limit: Self.pageSize)
                for r in page {
                    let b = r.booking
                    CSVWriter.append([
                        String(b.id), String(b.eventId), r.eventName, time(r.eventStartsAt), String(b.customerId), r.customerName, r.mobile,
                        String(b.seats), b.seats == 0 ? "yes" : "no", b.status.rawValue, b.source.rawValue, b.notes ?? "",
                        time(b.createdAt), time(b.cancelledAt),
                    ], to: &out)
                }
                (after, count) = (page.last?.booking.id ?? after, page.count)
            case .messages:
                let page = try await records.messages(venueId: venue.id, after: after, limit: Self.pageSize)
                for m in page {
                    CSVWriter.append([
                        String(m.id), m.direction.rawValue, m.kind.rawValue, m.status.rawValue, m.reason ?? "", m.customerId.map(String.init) ?? "",
                        m.to, m.from ?? "", m.body ?? "", m.segments.map(String.init) ?? "", time(m.scheduledFor), time(m.sentAt),
                        m.errorCode ?? "", time(m.createdAt),
                    ], to: &out)
                }
                (after, count) = (page.last?.id ?? after, page.count)
            case .consent:
                let page = try await records.consentChanges(venueId: venue.id, after: after, limit: Self.pageSize)
                for c in page {
                    CSVWriter.append([
                        String(c.id), String(c.customerId), c.purpose.rawValue, c.granted ? "granted" : "revoked", c.source.rawValue,
                        c.note ?? "", time(c.changedAt),
                    ], to: &out)
                }
                (after, count) = (page.last?.id ?? after, page.count)
            }
            if count == 0 { break }
            try await sink.write(out)
            total += count
            progress?(count)
            if count < Self.pageSize { break }
        }
        return total
    }
}
