import Foundation

/// A customer's timeline page: filters, the note form, and the rows grouped by day.
struct TimelinePage: Encodable {
    struct Kind: Encodable {
        var value, label: String
        var selected: Bool
    }
    struct Problem: Encodable { var field, message: String }
    struct Day: Encodable {
        var day: String
        var rows: [Row]
    }
    struct Row: Encodable {
        var time, what: String
        var body: String?
        var group: String
        /// A text's delivery status and error; nil for everything else (a note, a booking).
        var status, errorCode: String?
        var note: Note?
    }
    struct Note: Encodable {
        var id: Int64
        var body: String
        var mayChange, edited: Bool
        var editedBy: String?
        var csrfToken: String
    }
    var customerId: Int64
    var name, csrfToken, from, to: String
    var kinds: [Kind]
    /// A refused note: why, and the words typed, kept for another try.
    var noteError: String?
    var noteBody: String
    var canDownload: Bool
    /// The venue's zone, which the days and times are in.
    var zone: String
    var errors: [Problem] = []
    var days: [Day] = []
    var none = false
    var export, exportExcel, next: String?
}

/// The latest few rows, as a section of the customer's page.
struct TimelinePanel: Encodable {
    struct Row: Encodable {
        var when, what: String
        var body, status: String?
    }
    var rows: [Row]
    var none: Bool
    var link: String
}
