import CrierPluginKit

/// One batch of journal entries applied to the contacts it touches, in memory: the projection
/// loads those rows, applies every entry here in order, then writes back only what changed (a
/// million-entry backfill is a few thousand statements, not millions).
struct ContactsBatch: Sendable {
    var contacts: [Int64: Contact] = [:]
    var bookings: [Int64: ContactBooking] = [:]
    var events: [Int64: ContactEvent] = [:]
    var changedContacts: Set<Int64> = []
    var changedBookings: Set<Int64> = []
    var changedEvents: Set<Int64> = []
    var deletedContacts: Set<Int64> = []
    var deletedBookings: Set<Int64> = []
    var deletedEvents: Set<Int64> = []

    /// The rows `entries` may touch, to load before applying them.
    static func keys(_ entries: [JournalEntry]) -> (customers: Set<Int64>, bookings: Set<Int64>, events: Set<Int64>) {
        var customers: Set<Int64> = [], bookings: Set<Int64> = [], events: Set<Int64> = []
        for entry in entries {
            if let id = entry.customerId { customers.insert(id) }
            if let previous = entry.data["previous_customer_id"]?.int64Value { customers.insert(previous) }
            switch entry.subjectType {
            case "booking": bookings.insert(entry.subjectId)
            case "event": events.insert(entry.subjectId)
            default: break
            }
            if let event = entry.data["event_id"]?.int64Value { events.insert(event) }
        }
        return (customers, bookings, events)
    }

    mutating func apply(_ entry: JournalEntry) {
        let at = Int64((entry.createdAt.timeIntervalSince1970 * 1000).rounded())
        let data = entry.data
        switch entry.kind {
        case JournalKind.customerCreated:
            guard let customer = entry.customerId else { return }
            contacts[customer] = Contact(
                customerId: customer, venueId: entry.venueId, firstName: data["first_name"]?.stringValue ?? "",
                lastName: data["last_name"]?.stringValue ?? "", mobile: data["mobile"]?.stringValue ?? "", at: at)
            changedContacts.insert(customer)
            deletedContacts.remove(customer)
        case JournalKind.customerChanged:
            update(entry.customerId) { contact in
                let changed = data["changed"]
                if let first = changed?["first_name"]?.stringValue { contact.firstName = first }
                if let last = changed?["last_name"]?.stringValue { contact.lastName = last }
                if let mobile = changed?["mobile"]?.stringValue { contact.mobile = mobile }
                contact.refreshNames()
            }
        case JournalKind.customerDeleted:
            guard let customer = entry.customerId else { return }
            contacts[customer] = nil
            changedContacts.remove(customer)
            deletedContacts.insert(customer)
        case JournalKind.consentGranted, JournalKind.consentRevoked:
            guard data["purpose"]?.stringValue == ConsentPurpose.transactional.rawValue else { return }
            update(entry.customerId) { contact in
                contact.optedOut = entry.kind == JournalKind.consentRevoked
                contact.touch(at)
            }
        case JournalKind.eventCreated:
            events[entry.subjectId] = ContactEvent(
                eventId: entry.subjectId, venueId: entry.venueId, name: data["name"]?.stringValue ?? "",
                startsAt: Self.millis(data["starts_at"]) ?? 0, cancelled: false)
            changedEvents.insert(entry.subjectId)
        case JournalKind.eventChanged:
            guard var event = events[entry.subjectId] else { return }
            if let name = data["changed"]?["name"]?.stringValue { event.name = name }
            if let starts = Self.millis(data["changed"]?["starts_at"]) { event.startsAt = starts }
            events[entry.subjectId] = event
            changedEvents.insert(entry.subjectId)
        case JournalKind.eventCancelled:
            guard var event = events[entry.subjectId] else { return }
            event.cancelled = true
            events[entry.subjectId] = event
            changedEvents.insert(entry.subjectId)
        case JournalKind.eventDeleted:
            events[entry.subjectId] = nil
            changedEvents.remove(entry.subjectId)
            deletedEvents.insert(entry.subjectId)
        case JournalKind.bookingCreated:
            guard let customer = entry.customerId, let event = data["event_id"]?.int64Value else { return }
            let seats = data["seats"]?.intValue ?? 0
            bookings[entry.subjectId] = ContactBooking(
                bookingId: entry.subjectId, customerId: customer, venueId: entry.venueId, eventId: event, seats: seats, active: true)
            changedBookings.insert(entry.subjectId)
            update(customer) { contact in
                contact.bookings += 1
                contact.count(seats: seats, sign: 1)
                contact.touch(at)
            }
        case JournalKind.bookingChanged:
            guard var booking = bookings[entry.subjectId], let seats = data["changed"]?["seats"]?.intValue else { return }
            if booking.active {
                let old = booking.seats
                update(booking.customerId) { contact in
                    contact.count(seats: old, sign: -1)
                    contact.count(seats: seats, sign: 1)
                    contact.touch(at)
                }
            }
            booking.seats = seats
            bookings[entry.subjectId] = booking
            changedBookings.insert(entry.subjectId)
        case JournalKind.bookingCancelled:
            guard var booking = bookings[entry.subjectId], booking.active else { return }
            booking.active = false
            bookings[entry.subjectId] = booking
            changedBookings.insert(entry.subjectId)
            update(booking.customerId) { contact in
                contact.count(seats: booking.seats, sign: -1)
                contact.cancellations += 1
                contact.touch(at)
            }
        case JournalKind.bookingDeleted:
            guard let booking = bookings[entry.subjectId] else { return }
            bookings[entry.subjectId] = nil
            changedBookings.remove(entry.subjectId)
            deletedBookings.insert(entry.subjectId)
            update(booking.customerId) { contact in
                if booking.active { contact.count(seats: booking.seats, sign: -1) } else { contact.cancellations -= 1 }
                contact.bookings -= 1
            }
        case JournalKind.messageSent:
            update(entry.customerId) { contact in
                contact.messagesOut += 1
                contact.touch(at)
            }
        case JournalKind.messageReceived:
            update(entry.customerId) { contact in contact.reply(id: entry.subjectId, at: at) }
        case JournalKind.messageLinked:
            // An unknown sender's text filed under a customer later: it counts for them now.
            if let previous = data["previous_customer_id"]?.int64Value, previous != entry.customerId {
                update(previous) { contact in contact.messagesIn -= 1 }
            }
            update(entry.customerId) { contact in contact.reply(id: entry.subjectId, at: at) }
        default:
            break
        }
    }

    mutating func update(_ customer: Int64?, _ change: (inout Contact) -> Void) {
        guard let customer, var contact = contacts[customer] else { return }
        change(&contact)
        contacts[customer] = contact
        changedContacts.insert(customer)
    }

    static func millis(_ value: JSONValue?) -> Int64? {
        guard let text = value?.stringValue, let date = EventTime.rfc3339(text) else { return nil }
        return Int64((date.timeIntervalSince1970 * 1000).rounded())
    }
}

extension Contact {
    mutating func reply(id: Int64, at: Int64) {
        messagesIn += 1
        if lastReplyAt.map({ at >= $0 }) ?? true {
            lastReplyAt = at
            lastReplyId = id
        }
        touch(at)
    }
}
