import Foundation

/// The exports page: a download form per kind, the upload form, and files staged for import.
struct ExportsOverview: Encodable {
    struct EventChoice: Encodable {
        var id: Int64
        var label: String
    }
    struct Kind: Encodable {
        var kind, title: String
        /// Bookings may be limited to one of `events`; the other kinds have none.
        var bookings: Bool
        var events: [EventChoice]
    }
    struct Staged: Encodable {
        var id: Int64
        var filename, size, when, csrfToken: String
    }
    var csrfToken, maxSize: String
    var problem: String?
    var kinds: [Kind]
    var contacts: Bool
    var staged: [Staged]
    var hasStaged: Bool
}

/// An uploaded file being imported: its first rows, the column for each field, and the last check's report.
struct ImportPage: Encodable {
    struct Line: Encodable {
        var line: Int
        var cells: [String]
    }
    struct Option: Encodable {
        var value, label: String
        var selected: Bool
    }
    struct Field: Encodable {
        var name, label: String
        var required: Bool
        var options: [Option]
    }
    struct Problem: Encodable { var field, message: String }
    struct Report: Encodable {
        struct Problem: Encodable {
            var line: Int
            var messages: String
        }
        var summary: String
        var problems: [Problem]
        var hasProblems: Bool
    }
    var id: Int64
    var filename: String
    var rows: Int
    var csrfToken: String
    var header: [String]
    var preview: [Line]
    var skip: Bool
    var fields: [Field]
    var errors: [Problem] = []
    var report: Report?
    var done = false
}
