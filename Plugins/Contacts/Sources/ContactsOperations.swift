import CrierPluginKit

/// What the contacts routes take and answer, for the API's description (each route names its
/// operation where it is registered, in `ContactsPlugin`).
enum ContactsOperations {
    static let filters: [APIParameter] = [
        .query("q", .string(), "name or at least three digits of the mobile"),
        .query("sort", .oneOf(ContactFilter.Sort.allCases.map(\.rawValue)), "last_interaction (default), bookings or name"),
        .query("opted_out", .oneOf(["true", "false", "any"]), "only contacts who said STOP (true) or who did not (false)"),
        .query("upcoming", .oneOf(["true", "false", "any"]), "only contacts with (true) or without (false) a booking still to come"),
        .query("inactive_since", .day, "only contacts with nothing since this day (YYYY-MM-DD, the venue's)"),
    ]

    static let contact = APISchema.object([
        "customer_id": .id, "venue_id": .id, "first_name": .string(), "last_name": .string(), "mobile": .string(),
        "bookings": .integer(minimum: 0), "active_seats": .integer(minimum: 0), "reminder_only": .integer(minimum: 0),
        "cancellations": .integer(minimum: 0), "messages_in": .integer(minimum: 0), "messages_out": .integer(minimum: 0),
        "first_interaction_at": .string(format: "date-time"), "last_interaction_at": .string(format: "date-time"),
        "last_reply": APISchema.object(["message_id": .id, "at": .string(format: "date-time"), "body": APISchema.string().orNull]).orNull,
        "opted_out": .boolean, "events_attended": .array(.string()), "upcoming_bookings": .integer(minimum: 0),
    ], required: ["customer_id", "first_name", "last_name", "mobile", "opted_out"])

    static let list = APIOperation(
        "listContacts", "Contacts: every customer with their bookings, texts and last reply", tag: "Contacts",
        parameters: filters + [.cursor, .limit], responses: [.ok(.page(of: contact), "a page of contacts")])

    static let export = APIOperation(
        "exportContacts", "The contact list as CSV, with the list's filters and sort (bom=1 for Excel)", tag: "Contacts",
        parameters: filters + [.query("bom", .string(), "1, true, yes or on: start with a byte-order mark")],
        responses: [.file("text/csv", "CSV, one contact per row")])

    static let one = APIOperation(
        "getContact", "One customer's contact", tag: "Contacts", parameters: [.path("customer_id")],
        responses: [.ok(contact, "the contact")])
}
