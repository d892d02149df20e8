import CrierPluginKit
import Foundation

/// One batch of journal entries applied to the contacts it touches, in memory: the projection
/// loads those rows, applies every entry here in order, then writes back only what changed (a
/// million-entry backfill is a few thousand statements, not millions).
struct ContactsBatch: Sendable {
    var contacts: [Int64: Contact] = [:]
    var bookings: [Int64: ContactBooking] = [:]
    var events: [Int64: ContactEvent] = [:]
    var changedContacts: Set<Int64> = []
    /// Changed contacts whose names, bookings or consent changed too (or that are new): written
    /// whole. The others only count texts, and only those columns are written back.
    var rewrittenContacts: Set<Int64> = []
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
            switch entry.event {
            case .messageLinked(let linked): if let previous = linked.previousCustomerId { customers.insert(previous) }
            case .bookingCreated(let e): events.insert(e.eventId)
            case .bookingChanged(let e): events.insert(e.eventId)
            case .bookingCancelled(let e): events.insert(e.eventId)
            case .bookingDeleted(let e): events.insert(e.eventId)
            default: break
            }
            switch entry.subjectType {
            case "booking": bookings.insert(entry.subjectId)
            case "event": events.insert(entry.subjectId)
            default: break
            }
        }
        return (customers, bookings, events)
    }

    mutating func apply(_ entry: JournalEntry) {
        let at = Int64((entry.createdAt.timeIntervalSince1970 * 1000).rounded())
        switch entry.event {
        case .customerCreated(let created):
            guard let customer = entry.customerId else { return }
            contacts[customer] = Contact(
                customerId: customer, venueId: entry.venueId, firstName: created.firstName, lastName: created.lastName, mobile: created.mobile,
                at: at)
            changedContacts.insert(customer)
            rewrittenContacts.insert(customer)
            deletedContacts.remove(customer)
        case .customerChanged(let changed):
            update(entry.customerId) { contact in
                if let first = changed.firstName { contact.firstName = first.to }
                if let last = changed.lastName { contact.lastName = last.to }
                if let mobile = changed.mobile { contact.mobile = mobile.to }
                contact.refreshNames()
            }
        case .customerDeleted, .customerErased:
            guard let customer = entry.customerId else { return }
            contacts[customer] = nil
            changedContacts.remove(customer)
            deletedContacts.insert(customer)
        case .consentGranted(let consent), .consentRevoked(let consent):
            guard consent.purpose == .transactional else { return }
            let revoked = if case .consentRevoked = entry.event { true } else { false }
            update(entry.customerId) { contact in
                contact.optedOut = revoked
                contact.touch(at)
            }
        case .eventCreated(let created):
            events[entry.subjectId] = ContactEvent(
                eventId: entry.subjectId, venueId: entry.venueId, name: created.name, startsAt: Self.millis(created.startsAt), cancelled: false)
            changedEvents.insert(entry.subjectId)
        case .eventChanged(let changed):
            guard var event = events[entry.subjectId] else { return }
            if let name = changed.name { event.name = name.to }
            if let starts = changed.startsAt { event.startsAt = Self.millis(starts.to) }
            events[entry.subjectId] = event
            changedEvents.insert(entry.subjectId)
        case .eventCancelled:
            guard var event = events[entry.subjectId] else { return }
            event.cancelled = true
            events[entry.subjectId] = event
            changedEvents.insert(entry.subjectId)
        case .eventDeleted:
            events[entry.subjectId] = nil
            changedEvents.remove(entry.subjectId)
            deletedEvents.insert(entry.subjectId)
        case .bookingCreated(let created):
            guard let customer = entry.customerId else { return }
            bookings[entry.subjectId] = ContactBooking(
                bookingId: entry.subjectId, customerId: customer, venueId: entry.venueId, eventId: created.eventId, seats: created.seats,
                active: true)
            changedBookings.insert(entry.subjectId)
            update(customer) { contact in
                contact.bookings += 1
                contact.count(seats: created.seats, sign: 1)
                contact.touch(at)
            }
        case .bookingChanged(let changed):
            guard var booking = bookings[entry.subjectId], let seats = changed.seats?.to else { return }
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
        case .bookingCancelled:
            guard var booking = bookings[entry.subjectId], booking.active else { return }
            booking.active = false
            bookings[entry.subjectId] = booking
            changedBookings.insert(entry.subjectId)
            update(booking.customerId) { contact in
                contact.count(seats: booking.seats, sign: -1)
                contact.cancellations += 1
                contact.touch(at)
            }
        case .bookingDeleted:
            guard let booking = bookings[entry.subjectId] else { return }
            bookings[entry.subjectId] = nil
            changedBookings.remove(entry.subjectId)
            deletedBookings.insert(entry.subjectId)
            update(booking.customerId) { contact in
                if booking.active { contact.count(seats: booking.seats, sign: -1) } else { contact.cancellations -= 1 }
                contact.bookings -= 1
            }
        case .messageMoved(.messageSent, _):
            update(entry.customerId, textsOnly: true) { contact in
                contact.messagesOut += 1
                contact.touch(at)
            }
        case .messageReceived:
            update(entry.customerId, textsOnly: true) { contact in contact.reply(id: entry.subjectId, at: at) }
        case .messageLinked(let linked):
            // An unknown sender's text filed under a customer later: it counts for them now.
            if let previous = linked.previousCustomerId, previous != entry.customerId {
                update(previous, textsOnly: true) { contact in contact.messagesIn -= 1 }
            }
            update(entry.customerId, textsOnly: true) { contact in contact.reply(id: entry.subjectId, at: at) }
        default:
            break
        }
    }

    /// Changes a loaded contact; `textsOnly` when only its text counts and times move.
    mutating func update(_ customer: Int64?, textsOnly: Bool = false, _ change: (inout Contact) -> Void) {
        guard let customer, var contact = contacts[customer] else { return }
        change(&contact)
        contacts[customer] = contact
        changedContacts.insert(customer)
        if !textsOnly { rewrittenContacts.insert(customer) }
    }

    static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
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
