import CrierPluginKit

/// One thing that happened to a customer, as the projection stores it. Its id is the journal
/// entry that made it, so a rebuild gives every item the same id and order again.
struct TimelineItem: Codable, Sendable, Equatable {
    var entryId: Int64
    var venueId: Int64
    var customerId: Int64
    /// Milliseconds since 1970.
    var at: Int64
    var kind: Kind
    /// The booking or message it is about.
    var subjectId: Int64
    var eventName: String?
    var seats: Int?
    var previousSeats: Int?
    /// A booking's source, a text's kind (`reminder_24h`), a reply's keyword, a consent change's source.
    var detail: String?
    /// A consent change's purpose (`transactional`, `marketing`).
    var purpose: String?
    /// A text's delivery status: sent, delivered, undelivered, failed, unknown.
    var status: String?
    var errorCode: String?
    /// Who did it, as the journal records it (`staff:3`, `system`).
    var actor: String

    /// The text it is about, for texts and replies (other items' subjects are bookings).
    var messageId: Int64? { kind == .textOut || kind == .replyIn ? subjectId : nil }

    /// What an item is. Stored as its raw value, so these never change.
    enum Kind: String, Codable, Sendable, CaseIterable {
        case bookingMade = "booking_made"
        case bookingChanged = "booking_changed"
        case bookingCancelled = "booking_cancelled"
        case bookingDeleted = "booking_deleted"
        case textOut = "text_out"
        case replyIn = "reply_in"
        case optedOut = "opted_out"
        case optedIn = "opted_in"

        var group: TimelineGroup {
            switch self {
            case .bookingMade, .bookingChanged, .bookingCancelled, .bookingDeleted: return .bookings
            case .textOut: return .texts
            case .replyIn: return .replies
            case .optedOut, .optedIn: return .consent
            }
        }
    }
}

/// The kinds staff filter by (`?kind=bookings,notes`).
enum TimelineGroup: String, Sendable, CaseIterable {
    case bookings, texts, replies, consent, notes

    var label: String {
        switch self {
        case .bookings: return "Bookings"
        case .texts: return "Texts sent"
        case .replies: return "Replies"
        case .consent: return "Opt-outs and opt-ins"
        case .notes: return "Notes"
        }
    }

    var itemKinds: [TimelineItem.Kind] { TimelineItem.Kind.allCases.filter { $0.group == self } }
}

extension TimelineItem: TableRow {
    static let table = "timeline_items"
    static let columns = [
        "entry_id", "venue_id", "customer_id", "at", "kind", "subject_id", "event_name", "seats", "previous_seats", "detail", "purpose",
        "status", "error_code", "actor",
    ]

    init(row: any SQLRow) throws {
        guard let kind = Kind(rawValue: try row.decode(column: "kind", as: String.self)) else { throw TimelineRowError() }
        self.init(
            entryId: try row.decode(column: "entry_id", as: Int64.self), venueId: try row.decode(column: "venue_id", as: Int64.self),
            customerId: try row.decode(column: "customer_id", as: Int64.self), at: try row.decode(column: "at", as: Int64.self), kind: kind,
            subjectId: try row.decode(column: "subject_id", as: Int64.self), eventName: try row.decode(column: "event_name", as: String?.self),
            seats: try row.decode(column: "seats", as: Int?.self), previousSeats: try row.decode(column: "previous_seats", as: Int?.self),
            detail: try row.decode(column: "detail", as: String?.self), purpose: try row.decode(column: "purpose", as: String?.self),
            status: try row.decode(column: "status", as: String?.self), errorCode: try row.decode(column: "error_code", as: String?.self),
            actor: try row.decode(column: "actor", as: String.self))
    }

    var values: [any Encodable & Sendable] {
        [entryId, venueId, customerId, at, kind.rawValue, subjectId, eventName, seats, previousSeats, detail, purpose, status, errorCode, actor]
    }
}

/// A stored item of a kind this version does not know.
struct TimelineRowError: Error {}
