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
            if let event = entry.data["event_id"]?.int64Value { events.insert(event) }
            if entry.subjectType == "event" { events.insert(entry.subjectId) }
            if statusKinds[entry.kind] != nil { texts.insert(entry.subjectId) }
            if entry.kind == JournalKind.messageLinked { linked[entry.venueId, default: []].append(entry.subjectId) }
        }
        return (events, texts, linked)
    }

    static let statusKinds: [String: String] = [
        JournalKind.messageSent: "sent", JournalKind.messageDelivered: "delivered", JournalKind.messageUndelivered: "undelivered",
        JournalKind.messageFailed: "failed", JournalKind.messageUnknown: "unknown",
    ]

    mutating func apply(_ entry: JournalEntry) {
        let data = entry.data
        switch entry.kind {
        case JournalKind.eventCreated, JournalKind.eventChanged:
            let name = entry.kind == JournalKind.eventCreated ? data["name"]?.stringValue : data["changed"]?["name"]?.stringValue
            guard let name else { return }
            events[entry.subjectId] = name
            changedEvents.insert(entry.subjectId)
        case JournalKind.bookingCreated, JournalKind.bookingChanged, JournalKind.bookingCancelled, JournalKind.bookingDeleted:
            booking(entry)
        case JournalKind.consentGranted, JournalKind.consentRevoked:
            var item = newItem(entry, entry.kind == JournalKind.consentRevoked ? .optedOut : .optedIn)
            item?.detail = data["source"]?.stringValue
            item?.purpose = data["purpose"]?.stringValue
            add(item)
        case JournalKind.messageReceived:
            var item = newItem(entry, .replyIn)
            item?.detail = data["keyword"]?.stringValue
            add(item)
            replyItems[entry.subjectId] = item?.entryId
        case JournalKind.messageLinked:
            if let earlier = replyItems.removeValue(forKey: entry.subjectId) { items[earlier] = nil } else {
                movedReplies.insert(entry.subjectId)
            }
            var item = newItem(entry, .replyIn)
            if let at = receivedAt[entry.subjectId] { item?.at = at }
            add(item)
            replyItems[entry.subjectId] = item?.entryId
        case JournalKind.customerDeleted:
            guard let customer = entry.customerId else { return }
            items = items.filter { $0.value.customerId != customer }
            textItems = textItems.filter { items[$0.value] != nil }
            replyItems = replyItems.filter { items[$0.value] != nil }
            deletedCustomers.insert(customer)
        default:
            if let status = Self.statusKinds[entry.kind] { text(entry, status: status) }
        }
    }

    private mutating func booking(_ entry: JournalEntry) {
        let data = entry.data
        let kind: TimelineItem.Kind
        switch entry.kind {
        case JournalKind.bookingCreated: kind = .bookingMade
        case JournalKind.bookingChanged: kind = .bookingChanged
        case JournalKind.bookingCancelled: kind = .bookingCancelled
        default: kind = .bookingDeleted
        }
        guard var item = newItem(entry, kind) else { return }
        let event = data["event_id"]?.int64Value
        if let event, let name = data["event_name"]?.stringValue, events[event] == nil { events[event] = name }
        item.eventName = data["event_name"]?.stringValue ?? event.flatMap { events[$0] }
        if kind == .bookingChanged {
            item.seats = data["changed"]?["seats"]?.intValue
            item.previousSeats = data["previous"]?["seats"]?.intValue
            if data["changed"]?["notes"] != nil { item.detail = "notes" }
        } else {
            item.seats = data["seats"]?.intValue
            item.detail = data["source"]?.stringValue
        }
        add(item)
    }

    /// A text going out or its delivery report: the first makes its item, later ones move its status.
    private mutating func text(_ entry: JournalEntry, status: String) {
        let moved = Status(status: status, errorCode: entry.data["error_code"]?.stringValue)
        if let id = textItems[entry.subjectId], var item = items[id] {
            item.status = moved.status
            item.errorCode = moved.errorCode ?? item.errorCode
            items[id] = item
        } else if storedTexts.contains(entry.subjectId) {
            var update = moved
            if update.errorCode == nil { update.errorCode = statusUpdates[entry.subjectId]?.errorCode }
            statusUpdates[entry.subjectId] = update
        } else if var item = newItem(entry, .textOut) {
            item.detail = entry.data["kind"]?.stringValue
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
