/// The contact list with its filters.
struct ContactsPage: Encodable {
    struct Choice: Encodable {
        var value, label: String
        var selected: Bool
    }
    struct Problem: Encodable { var field, message: String }
    struct Row: Encodable {
        var name, mobile: String
        /// The contact's venue, shown when the list covers every venue.
        var venue: String?
        /// Their customer page, when it is in the venue in view.
        var link: String?
        var bookings, activeSeats, reminderOnly, cancellations: Int
        var messages, last: String
        var optedOut, upcoming, everyVenue: Bool
    }
    var q, inactiveSince: String
    var severalVenues, everyVenue: Bool
    var sorts, optedOutChoices, upcomingChoices: [Choice]
    var canDownload: Bool
    /// The venue's zone, which "last interaction" is in.
    var zone: String
    var errors: [Problem] = []
    var contacts: [Row] = []
    var none = false
    var export, next: String?
}

/// A customer's figures, as a section of their page; `pending` until the projection has them.
struct ContactPanel: Encodable {
    var pending: Bool
    var bookings, activeSeats: Int
    var reminderOnly: Int?
    var cancellations: Int
    var first, last: String
    var attended: String?
    var upcoming, messagesIn, messagesOut: Int
    var lastReply, lastReplyAt: String?
    var optedOut: Bool

    static let pending = ContactPanel(
        pending: true, bookings: 0, activeSeats: 0, reminderOnly: nil, cancellations: 0, first: "", last: "", attended: nil, upcoming: 0,
        messagesIn: 0, messagesOut: 0, lastReply: nil, lastReplyAt: nil, optedOut: false)
}
