import CrierCore

/// The shapes the core's routes share, as the document's `components.schemas`; routes refer to
/// them with `APISchema.ref`. The document itself is made from the routes (`OpenAPIDocument`).
enum APIComponents {

    static func ref(_ name: String) -> JSONValue { ["$ref": .string("#/components/schemas/\(name)")] }
    static func string(_ format: String? = nil, nullable: Bool = false) -> JSONValue {
        var s: [String: JSONValue] = ["type": nullable ? .array(["string", "null"]) : "string"]
        if let format { s["format"] = .string(format) }
        return .object(s)
    }
    static func integer(nullable: Bool = false, minimum: Int? = nil) -> JSONValue {
        var s: [String: JSONValue] = ["type": nullable ? .array(["integer", "null"]) : "integer"]
        if let minimum { s["minimum"] = .from(minimum) }
        return .object(s)
    }
    static let boolean: JSONValue = ["type": "boolean"]
    /// Text that must not be blank (the API refuses "" and spaces as "is required").
    static let text: JSONValue = ["type": "string", "pattern": "\\S"]
    static func object(_ properties: [String: JSONValue], required: [String] = []) -> JSONValue {
        ["type": "object", "properties": .object(properties), "required": .array(required.map(JSONValue.string))]
    }
    /// A request body: keys it does not name are refused (422), as the routes do.
    static func input(_ properties: [String: JSONValue], required: [String] = []) -> JSONValue {
        ["type": "object", "properties": .object(properties), "required": .array(required.map(JSONValue.string)), "additionalProperties": false]
    }
    static func list(_ item: String) -> JSONValue {
        object(["items": ["type": "array", "items": ref(item)], "next_cursor": string(nullable: true)], required: ["items", "next_cursor"])
    }

    static let schemas: JSONValue = [
        "Error": object(["error": object(["code": string(), "message": string(), "fields": ["type": "object", "additionalProperties": string()],
                                          "details": ["type": "object"]], required: ["code", "message"])], required: ["error"]),
        "Venue": object(["id": integer(), "slug": string(), "name": string(), "timezone": string(), "default_region": string(),
                         "quiet_hours": ["oneOf": .array([object(["start": string(), "end": string()]), ["type": "null"]])],
                         "sms_enabled": boolean, "staff_downloads": boolean,
                         "message_retention_days": integer(nullable: true, minimum: 1),
                         "created_at": string("date-time")]),
        "EventCancel": input(["text_attendees": boolean]),
        "CustomerExport": object(["exported_at": string("date-time"), "venue": ["type": "object"], "customer": ref("CustomerDetail"),
                                  "consent": ref("Consent"), "texts": ["type": "array", "items": ref("Message")],
                                  "journal": ["type": "array", "items": ["type": "object"]], "plugins": ["type": "object"]]),
        "Erasure": object(["customer_id": integer(), "bookings_deleted": integer(), "texts_scrubbed": integer(), "entries_scrubbed": integer(),
                           "opt_out_kept": boolean]),
        "CustomerInput": input(["first_name": text, "last_name": text, "mobile": text, "email": string(nullable: true),
                                 "notes": string(nullable: true)], required: ["first_name", "last_name", "mobile"]),
        "CustomerChange": input(["first_name": text, "last_name": text, "mobile": text, "email": string(nullable: true),
                                  "notes": string(nullable: true)]),
        "Customer": object(["id": integer(), "first_name": string(), "last_name": string(), "mobile": string(),
                            "email": string(nullable: true), "notes": string(nullable: true),
                            "created_at": string("date-time"), "updated_at": string("date-time")],
                           required: ["id", "first_name", "last_name", "mobile"]),
        "CustomerDetail": ["allOf": .array([ref("Customer"), object([
            "consent": ["type": "object"],
            "bookings": object(["active": ["type": "array", "items": ref("Booking")], "reminder_only": ["type": "array", "items": ref("Booking")],
                                "cancelled": ["type": "array", "items": ref("Booking")]]),
        ])])],
        "EventInput": input(["name": text, "starts_at": text, "ends_at": string(nullable: true),
                              "capacity": integer(nullable: true, minimum: 0), "description": string(nullable: true)],
                             required: ["name", "starts_at"]),
        "EventChange": input(["name": text, "starts_at": text, "ends_at": string(nullable: true),
                               "capacity": integer(nullable: true, minimum: 0), "description": string(nullable: true),
                               "status": ["enum": .array(["scheduled", "cancelled"])]]),
        "Event": object(["id": integer(), "name": string(), "starts_at": string("date-time"), "starts_at_local": string(),
                         "ends_at": string("date-time", nullable: true), "capacity": integer(nullable: true),
                         "status": ["enum": .array(["scheduled", "cancelled"])], "description": string(nullable: true),
                         "seats_booked": integer(), "seats_left": integer(nullable: true),
                         "bookings": object(["seated": integer(), "reminder_only": integer()]),
                         "created_at": string("date-time"), "updated_at": string("date-time")]),
        "BookingInput": input(["customer_id": integer(minimum: 1), "event_id": integer(minimum: 1), "seats": integer(minimum: 0),
                                "notes": string(nullable: true)], required: ["customer_id", "event_id"]),
        "BookingChange": input(["seats": integer(minimum: 0), "notes": string(nullable: true),
                                 "status": ["enum": .array(["active", "cancelled"])]]),
        "VenueChange": input(["name": text, "timezone": text, "default_region": text,
                              "quiet_hours": ["oneOf": .array([input(["start": string(), "end": string()], required: ["start", "end"]), ["type": "null"]])],
                              "sms_enabled": boolean, "staff_downloads": boolean, "message_retention_days": integer(nullable: true, minimum: 1)]),
        "ConsentChange": input(["sms": input(["transactional": boolean, "marketing": boolean]), "note": string(nullable: true)], required: ["sms"]),
        "Provider": input(["provider": string(), "settings": ["type": .array(["object", "null"]), "additionalProperties": string(nullable: true)]], required: ["provider"]),
        "Booking": object(["id": integer(), "customer_id": integer(), "event_id": integer(), "seats": integer(minimum: 0),
                           "reminder_only": boolean, "notes": string(nullable: true), "status": ["enum": .array(["active", "cancelled"])],
                           "source": string(), "created_at": string("date-time"), "updated_at": string("date-time"),
                           "cancelled_at": string("date-time", nullable: true)]),
        "JournalEntry": object(["id": integer(), "kind": string(), "subject_type": string(), "subject_id": integer(),
                                "customer_id": integer(nullable: true), "data": [:], "actor": string(), "created_at": string("date-time")]),
        "Consent": object(["sms": object(["transactional": boolean, "marketing": boolean]), "history": ["type": "array", "items": ["type": "object"]]]),
        "Message": object(["id": integer(), "direction": ["enum": .array(["in", "out"])], "kind": string(), "status": string(),
                           "reason": string(nullable: true), "to": string(), "from": string(nullable: true), "body": string(nullable: true),
                           "segments": integer(nullable: true), "encoding": string(nullable: true), "customer_id": integer(nullable: true),
                           "booking_id": integer(nullable: true), "event_id": integer(nullable: true),
                           "scheduled_for": string("date-time", nullable: true), "deadline": string("date-time", nullable: true),
                           "attempts": integer(), "sent_at": string("date-time", nullable: true),
                           "handed_off_at": string("date-time", nullable: true), "reached_provider": boolean,
                           "provider_message_id": string(nullable: true), "error_code": string(nullable: true),
                           "created_at": string("date-time"), "updated_at": string("date-time"),
                           "attempt_log": ["type": "array", "items": ["type": "object"]]]),
        "MessageList": list("Message"),
        "InboxItem": ["allOf": .array([ref("Message"), object([
            "read": boolean, "read_at": string("date-time", nullable: true), "customer_name": string(nullable: true)])])],
        "InboxList": list("InboxItem"),
        "ReadMark": input(["read": boolean]),
        "Link": input(["customer_id": integer()], required: ["customer_id"]),
        "StaffReply": input(["body": text], required: ["body"]),
        "Template": object(["name": string(), "kind": string(), "default": string(nullable: true), "override": string(nullable: true),
                            "fields": ["type": "array", "items": string()]]),
        "TemplateBody": input(["body": text], required: ["body"]),
        "TemplatePreviewBody": input(["body": string(nullable: true)]),
        "TemplatePreview": object(["text": string(), "encoding": string(), "characters": integer(), "units": integer(), "segments": integer()]),
        "TemplateList": list("Template"),
        "CustomerList": list("Customer"), "EventList": list("Event"), "BookingList": list("Booking"), "JournalList": list("JournalEntry"),
    ]
}
