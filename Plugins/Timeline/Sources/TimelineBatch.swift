import CrierPluginKit
import Foundation

/// One batch of journal entries turned into timeline changes, in memory: new items, status moves
/// of texts already stored, replies filed under another customer, customers deleted. The
/// projection loads what the batch needs to know (`keys`), applies the entries here in order,
/// then writes the result in the batch's transaction.
struct TimelineBatch: Sendable {
    /// New items, by the entry that made them.
    var items: [Int64: TimelineItem] = [:]
    /// Event names by id: loaded for the batch, plus those it creates or renames.
    var events: [Int64: String] = [:]
    var changedEvents: Set<Int64> = []
    /// Texts whose item an earlier batch stored (their status moves are updates).
    var storedTexts: Set<Int64> = []
    /// When linked replies first arrived, by message id (a linked reply keeps its place in time).
    var receivedAt: [Int64: Int64] = [:]
    /// Status moves of stored texts: message id → latest status and error code.
    var statusUpdates: [Int64: Status] = [:]
    /// Replies stored under someone else that are now another customer's.
    var movedReplies: Set<Int64> = []
    var deletedCustomers: Set<Int64> = []
    /// This batch's items for texts and replies, by message id.
    private var textItems: [Int64: Int64] = [:]
    private var replyItems: [Int64: Int64] = [:]

    struct Status: Sendable, Equatable, Hashable {
        var status: String
        var errorCode: String?
    }

    /// What to load before applying `entries`: event names, texts that may already have an
    /// item, and linked replies (whose arrival time comes from Crier's records), by venue.
    static func keys(_ entries: [JournalEntry]) -> (events: Set<Int64>, texts: Set<Int64>, linked: [Int64: [Int64]]) {
        var events: Set<Int64> = [], texts: Set<Int64> = [], linked: [Int64: [Int64]] = [:]
        for entry in entries {
            switch entry.event {
            case .bookingCreated(let e): events.insert(e.eventId)
            case .bookingChanged(let e): events.insert(e.eventId)
            case .bookingCancelled(let e): events.insert(e.eventId)
            case .bookingDeleted(let e): events.insert(e.eventId)
            case .eventCreated, .eventChanged, .eventCancelled, .eventDeleted: events.insert(entry.subjectId)
            case .messageMoved(let kind, _) where statusKinds[kind] != nil: texts.insert(entry.subjectId)
            case .messageLinked: linked[entry.venueId, default: []].append(entry.subjectId)
            default: break
            }
        }
        return (events, texts, linked)
    }

    static let statusKinds: [JournalKind: String] = [
        .messageSent: "sent", .messageDelivered: "delivered", .messageUndelivered: "undelivered", .messageFailed: "failed",
        .messageUnknown: "unknown",
    ]

    mutating func apply(_ entry: JournalEntry) {
        switch entry.event {
        case .eventCreated(let created):
            events[entry.subjectId] = created.name
            changedEvents.insert(entry.subjectId)
        case .eventChanged(let changed):
            guard let name = changed.name?.to else { return }
            events[entry.subjectId] = name
            changedEvents.insert(entry.subjectId)
        case .bookingCreated(let created):
            booking(entry, .bookingMade, eventId: created.eventId, eventName: created.eventName) { item in
                item.seats = created.seats
                item.detail = created.source?.rawValue
            }
        case .bookingChanged(let changed):
            booking(entry, .bookingChanged, eventId: changed.eventId, eventName: changed.eventName) { item in
                item.seats = changed.seats?.to
                item.previousSeats = changed.seats?.from
                if changed.notes != nil { item.detail = "notes" }
            }
        case .bookingCancelled(let cancelled):
            booking(entry, .bookingCancelled, eventId: cancelled.eventId, eventName: nil) { item in item.seats = cancelled.seats }
        case .bookingDeleted(let deleted):
            booking(entry, .bookingDeleted, eventId: deleted.eventId, eventName: nil) { item in item.seats = deleted.seats }
        case .consentGranted(let consent), .consentRevoked(let consent):
            let revoked = if case .consentRevoked = entry.event { true } else { false }
            var item = newItem(entry, revoked ? .optedOut : .optedIn)
            item?.detail = consent.source.rawValue
            item?.purpose = consent.purpose.rawValue
            add(item)
        case .messageReceived(let received):
            var item = newItem(entry, .replyIn)
            item?.detail = received.keyword?.rawValue
            add(item)
            replyItems[entry.subjectId] = item?.entryId
        case .messageLinked:
            if let earlier = replyItems.removeValue(forKey: entry.subjectId) { items[earlier] = nil } else {
                movedReplies.insert(entry.subjectId)
            }
            var item = newItem(entry, .replyIn)
            if let at = receivedAt[entry.subjectId] { item?.at = at }
            add(item)
            replyItems[entry.subjectId] = item?.entryId
        case .customerDeleted, .customerErased:
            guard let customer = entry.customerId else { return }
            items = items.filter { $0.value.customerId != customer }
            textItems = textItems.filter { items[$0.value] != nil }
            replyItems = replyItems.filter { items[$0.value] != nil }
            deletedCustomers.insert(customer)
        case .messageMoved(let kind, let moved):
            if let status = Self.statusKinds[kind] { text(entry, moved, status: status) }
        default:
            break
        }
    }

    private mutating func booking(
        _ entry: JournalEntry, _ kind: TimelineItem.Kind, eventId: Int64, eventName: String?, _ fill: (inout TimelineItem) -> Void
    ) {
        guard var item = newItem(entry, kind) else { return }
        if let eventName, events[eventId] == nil { events[eventId] = eventName }
        item.eventName = eventName ?? events[eventId]
        fill(&item)
        add(item)
    }

    /// A text going out or its delivery report: the first makes its item, later ones move its status.
    private mutating func text(_ entry: JournalEntry, _ text: MessageMoved, status: String) {
        let moved = Status(status: status, errorCode: text.errorCode)
        if let id = textItems[entry.subjectId], var item = items[id] {
            item.status = moved.status
            item.errorCode = moved.errorCode ?? item.errorCode
            items[id] = item
        } else if storedTexts.contains(entry.subjectId) {
            var update = moved
            if update.errorCode == nil { update.errorCode = statusUpdates[entry.subjectId]?.errorCode }
            statusUpdates[entry.subjectId] = update
        } else if var item = newItem(entry, .textOut) {
            item.detail = text.kind?.rawValue
            item.status = moved.status
            item.errorCode = moved.errorCode
            add(item)
            textItems[entry.subjectId] = item.entryId
        }
    }

    private func newItem(_ entry: JournalEntry, _ kind: TimelineItem.Kind) -> TimelineItem? {
        guard let customer = entry.customerId else { return nil }
        return TimelineItem(
            entryId: entry.id, venueId: entry.venueId, customerId: customer, at: Self.millis(entry.createdAt), kind: kind,
            subjectId: entry.subjectId, actor: entry.actor)
    }

    private mutating func add(_ item: TimelineItem?) {
        guard let item else { return }
        items[item.entryId] = item
    }

    static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
}
