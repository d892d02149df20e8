import CrierPluginKit
import Foundation

/// A timeline row as staff read it: when, what (a sentence), and the text's words where there
/// are some. The page, the panel, the API and the CSV export all show rows through this.
struct TimelineView: Sendable {
    var row: TimelineRow
    var what: String
    /// The text's or reply's words, or the note's.
    var body: String?

    /// The rows with their sentences and the words of their texts (read from Crier's records).
    static func make(_ rows: [TimelineRow], venueId: Int64, services: PluginServices) async throws -> [TimelineView] {
        let messageIds = rows.compactMap { $0.item?.messageId }
        var bodies: [Int64: String] = [:]
        if !messageIds.isEmpty {
            for message in try await services.records.messages(venueId: venueId, ids: messageIds) { bodies[message.id] = message.body }
        }
        return rows.map { row in
            if let note = row.note { return TimelineView(row: row, what: "Note by \(note.authorName)", body: note.body) }
            let item = row.item!
            return TimelineView(row: row, what: sentence(item), body: item.messageId.flatMap { bodies[$0] })
        }
    }

    var kind: String { row.item?.kind.rawValue ?? "note" }
    var group: TimelineGroup { row.item?.kind.group ?? .notes }

    static func sentence(_ item: TimelineItem) -> String {
        let event = item.eventName ?? "an event"
        switch item.kind {
        case .bookingMade:
            let seats = item.seats ?? 0
            let what = seats == 0 ? "Reminder-only booking for \(event)" : "Booked \(seats) \(seats == 1 ? "seat" : "seats") for \(event)"
            return what + (item.detail.map { " (\(source($0)))" } ?? "")
        case .bookingChanged:
            var changes: [String] = []
            if let seats = item.seats { changes.append("seats \(item.previousSeats.map(String.init) ?? "?") → \(seats)") }
            if item.detail == "notes" { changes.append("notes changed") }
            return "Booking for \(event) changed" + (changes.isEmpty ? "" : ": " + changes.joined(separator: ", "))
        case .bookingCancelled: return "Booking for \(event) cancelled"
        case .bookingDeleted: return "Booking for \(event) deleted"
        case .textOut: return "Text sent: " + messageKind(item.detail)
        case .replyIn:
            switch item.detail.flatMap(Keyword.init(rawValue:)) {
            case .optOut: return "Replied with an opt-out word"
            case .optIn: return "Replied with an opt-in word"
            case .help: return "Asked for help"
            case nil: return "Replied"
            }
        case .optedOut: return "Opted out of \(purpose(item.purpose)) texts" + (item.detail.map { " (\(source($0)))" } ?? "")
        case .optedIn: return "Agreed to \(purpose(item.purpose)) texts" + (item.detail.map { " (\(source($0)))" } ?? "")
        }
    }

    static func messageKind(_ raw: String?) -> String {
        switch raw.flatMap(MessageKind.init(rawValue:)) {
        case .confirmation: return "booking confirmation"
        case .bookingChanged: return "booking changed"
        case .bookingCancelled: return "booking cancelled"
        case .reminder7d: return "7-day reminder"
        case .reminder24h: return "24-hour reminder"
        case .reply: return "reply from staff"
        case .optOutAck: return "opt-out acknowledgement"
        case .optInAck: return "opt-in acknowledgement"
        case .help: return "help answer"
        case .manual, nil: return "message from staff"
        }
    }

    static func source(_ raw: String) -> String {
        switch raw {
        case "staff": return "by staff"
        case "api": return "through the API"
        case "sms": return "by text"
        case "import": return "imported"
        case "signup": return "when added"
        case "stop_reply": return "STOP reply"
        case "start_reply": return "START reply"
        case "provider_error": return "the provider reported an opt-out"
        default: return raw
        }
    }

    static func purpose(_ raw: String?) -> String { raw == ConsentPurpose.marketing.rawValue ? "marketing" : "booking" }
}
