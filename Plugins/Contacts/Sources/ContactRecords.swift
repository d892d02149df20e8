import CrierPluginKit
import Foundation

/// One contact: a customer of one venue with what their history adds up to.
struct Contact: Codable, Sendable, Equatable {
    var customerId: Int64
    var venueId: Int64
    var firstName: String
    var lastName: String
    var mobile: String
    /// Folded "last first", for sorting by name.
    var sortName: String
    /// Folded names and the mobile, for search.
    var search: String
    /// Bookings ever made (a deleted booking is taken back off).
    var bookings: Int
    /// Seats held by active bookings.
    var activeSeats: Int
    /// Active reminder-only (0-seat) bookings.
    var reminderOnly: Int
    var cancellations: Int
    var messagesIn: Int
    var messagesOut: Int
    /// Milliseconds since 1970.
    var firstAt: Int64
    var lastAt: Int64
    var lastReplyAt: Int64?
    var lastReplyId: Int64?
    var optedOut: Bool

    init(customerId: Int64, venueId: Int64, firstName: String, lastName: String, mobile: String, at: Int64) {
        self.customerId = customerId
        self.venueId = venueId
        self.firstName = firstName
        self.lastName = lastName
        self.mobile = mobile
        sortName = ""
        search = ""
        bookings = 0
        activeSeats = 0
        reminderOnly = 0
        cancellations = 0
        messagesIn = 0
        messagesOut = 0
        firstAt = at
        lastAt = at
        optedOut = false
        refreshNames()
    }

    /// A contact as stored (every field given).
    init(
        customerId: Int64, venueId: Int64, firstName: String, lastName: String, mobile: String, sortName: String, search: String,
        bookings: Int, activeSeats: Int, reminderOnly: Int, cancellations: Int, messagesIn: Int, messagesOut: Int, firstAt: Int64,
        lastAt: Int64, lastReplyAt: Int64?, lastReplyId: Int64?, optedOut: Bool
    ) {
        self.customerId = customerId
        self.venueId = venueId
        self.firstName = firstName
        self.lastName = lastName
        self.mobile = mobile
        self.sortName = sortName
        self.search = search
        self.bookings = bookings
        self.activeSeats = activeSeats
        self.reminderOnly = reminderOnly
        self.cancellations = cancellations
        self.messagesIn = messagesIn
        self.messagesOut = messagesOut
        self.firstAt = firstAt
        self.lastAt = lastAt
        self.lastReplyAt = lastReplyAt
        self.lastReplyId = lastReplyId
        self.optedOut = optedOut
    }

    mutating func refreshNames() {
        sortName = CustomerFields.fold(lastName) + " " + CustomerFields.fold(firstName)
        search = CustomerFields.fold(firstName + " " + lastName) + " " + CustomerFields.fold(lastName + " " + firstName) + " " + mobile
    }

    /// Something happened with this customer at `at`.
    mutating func touch(_ at: Int64) {
        firstAt = min(firstAt, at)
        lastAt = max(lastAt, at)
    }

    /// Adds (sign 1) or takes away (sign -1) what an active booking of `seats` counts for.
    mutating func count(seats: Int, sign: Int) {
        if seats == 0 { reminderOnly += sign } else { activeSeats += sign * seats }
    }
}

/// A booking as the contacts count it.
struct ContactBooking: Codable, Sendable, Equatable {
    var bookingId: Int64
    var customerId: Int64
    var venueId: Int64
    var eventId: Int64
    var seats: Int
    var active: Bool
}

/// An event as the contacts show it (names of events attended, upcoming bookings).
struct ContactEvent: Codable, Sendable, Equatable {
    var eventId: Int64
    var venueId: Int64
    var name: String
    var startsAt: Int64
    var cancelled: Bool
}
