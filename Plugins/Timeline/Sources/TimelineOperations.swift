import CrierPluginKit

/// What the timeline routes take and answer, for the API's description (each route names its
/// operation where it is registered, in `TimelinePlugin`).
enum TimelineOperations {
    static let groups = TimelineGroup.allCases.map(\.rawValue).joined(separator: "|")

    static let range: [APIParameter] = [
        .query("kind", .string(pattern: "^( *(\(groups)) *(, *(\(groups)) *)*)?$"), "comma-separated: " + TimelineGroup.allCases.map(\.rawValue).joined(separator: ", ")),
        .query("from", .day, "from this day (YYYY-MM-DD, the venue's), inclusive"),
        .query("to", .day, "to this day, inclusive"),
    ]

    static let note = APISchema.object([
        "note_id": .id, "customer_id": .id, "body": .string(maxLength: TimelineNotes.maxLength), "author": .string(),
        "author_name": .string(), "created_at": .string(format: "date-time"), "updated_at": .string(format: "date-time"),
        "edited_by": APISchema.string().orNull,
    ], required: ["note_id", "customer_id", "body"])

    /// A journal item or a note: `kind` says which, `what` says it in words.
    static let item = APISchema.object([
        "kind": .string(), "group": .oneOf(TimelineGroup.allCases.map(\.rawValue)), "at": .string(format: "date-time"), "what": .string(),
        "entry_id": .id, "note_id": .id, "body": APISchema.string().orNull, "event_name": APISchema.string().orNull,
        "seats": APISchema.integer().orNull, "previous_seats": APISchema.integer().orNull, "booking_id": APISchema.id.orNull,
        "message_id": APISchema.id.orNull, "message_kind": APISchema.string().orNull, "status": APISchema.string().orNull,
        "error_code": APISchema.string().orNull, "by": .string(),
    ], required: ["kind", "group", "at", "what"])

    static let noteBody = APIBody.json(
        .object(["body": .string(pattern: "\\S", maxLength: TimelineNotes.maxLength)], required: ["body"], additional: false), example: ["body": "Prefers the window table."])

    static let list = APIOperation(
        "listTimeline", "A customer's timeline, newest first: bookings, texts, replies, consent and notes", tag: "Timeline",
        parameters: [.path("customer_id")] + range + [.cursor, .limit], responses: [.ok(.page(of: item), "a page of the timeline")])

    static let export = APIOperation(
        "exportTimeline", "A customer's timeline as CSV", tag: "Timeline",
        parameters: [.path("customer_id")] + range + [.query("bom", .string(), "1, true, yes or on: start with a byte-order mark")],
        responses: [.file("text/csv", "CSV, one item per row")])

    static let addNote = APIOperation(
        "addTimelineNote", "Write a staff note on a customer's timeline", tag: "Timeline", parameters: [.path("customer_id")],
        body: noteBody, responses: [.created(note, "the note")])

    static let editNote = APIOperation(
        "editTimelineNote", "Change a note (its author, or an owner or manager)", tag: "Timeline", parameters: [.path("id")],
        body: noteBody, responses: [.ok(note, "the note")])

    static let deleteNote = APIOperation(
        "deleteTimelineNote", "Delete a note (its author, or an owner or manager)", tag: "Timeline", parameters: [.path("id")],
        responses: [.noContent])
}
