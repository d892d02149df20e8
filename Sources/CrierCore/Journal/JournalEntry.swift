import Foundation

/// One line of the append-only journal: every domain change, written in the same transaction as
/// the change. It is the audit log, the source of timelines and what plugin projections consume.
public struct JournalEntry: Sendable, Equatable {
    /// Increasing within the install: the order projections consume entries in.
    public var id: Int64
    public var venueId: Int64
    public var customerId: Int64?
    /// What happened, with its fields.
    public var event: JournalEvent
    /// What changed: `customer`, `event`, `booking`, `venue`, `message`, `staff`.
    public var subjectType: String
    public var subjectId: Int64
    /// The stored `data` as written (the API shows it as it is).
    public var dataText: String
    /// Who did it: `api_key:3`, `staff:1`, `cli`, `system`.
    public var actor: String
    public var createdAt: Date

    public init(
        id: Int64, venueId: Int64, customerId: Int64?, event: JournalEvent, subjectType: String, subjectId: Int64,
        dataText: String = "{}", actor: String, createdAt: Date
    ) {
        self.id = id
        self.venueId = venueId
        self.customerId = customerId
        self.event = event
        self.subjectType = subjectType
        self.subjectId = subjectId
        self.dataText = dataText
        self.actor = actor
        self.createdAt = createdAt
    }

    /// The stored kind (`customer.created`...; a newer version's kinds included).
    public var kind: String { event.kind }

    /// The stored `data` as a JSON value, for showing an entry as it was written.
    public var data: JSONValue { (try? JSONDecoder().decode(JSONValue.self, from: Data(dataText.utf8))) ?? .null }
}

/// Who made a change, as recorded in the journal.
public enum Actor: Sendable, Equatable, CustomStringConvertible {
    case apiKey(Int64)
    case staff(Int64)
    case cli
    case system

    public var description: String {
        switch self {
        case .apiKey(let id): return "api_key:\(id)"
        case .staff(let id): return "staff:\(id)"
        case .cli: return "cli"
        case .system: return "system"
        }
    }
}
