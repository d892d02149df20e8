import CrierCore

/// The OpenAPI 3.1 description of `/api/v1`, served at `/api/v1/openapi.json`. Built in code so
/// it ships inside the binary; `Tests/e2e` validates it and checks it against the routes.
enum OpenAPIDocument {
    static let value: JSONValue = [
        "openapi": "3.1.0",
        "info": ["title": "Crier API", "version": "1",
                 "description": "Customers, events and bookings of one venue (the API key's). Errors are {\"error\": {code, message, fields}}."],
        "servers": .array([["url": "/"]]),
        "security": .array([["bearer": .array([])]]),
        "components": ["securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]], "schemas": schemas],
        "paths": paths,
    ]

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
    static func object(_ properties: [String: JSONValue], required: [String] = []) -> JSONValue {
        ["type": "object", "properties": .object(properties), "required": .array(required.map(JSONValue.string))]
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
        "EventCancel": object(["text_attendees": boolean]),
        "CustomerExport": object(["exported_at": string("date-time"), "venue": ["type": "object"], "customer": ref("CustomerDetail"),
                                  "consent": ref("Consent"), "texts": ["type": "array", "items": ref("Message")],
                                  "journal": ["type": "array", "items": ["type": "object"]], "plugins": ["type": "object"]]),
        "Erasure": object(["customer_id": integer(), "bookings_deleted": integer(), "texts_scrubbed": integer(), "entries_scrubbed": integer(),
                           "opt_out_kept": boolean]),
        "CustomerInput": object(["first_name": string(), "last_name": string(), "mobile": string(), "email": string(nullable: true),
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
        "EventInput": object(["name": string(), "starts_at": string(), "ends_at": string(nullable: true),
                              "capacity": integer(nullable: true, minimum: 0), "description": string(nullable: true),
                              "status": ["enum": .array(["scheduled", "cancelled"])]]),
        "Event": object(["id": integer(), "name": string(), "starts_at": string("date-time"), "starts_at_local": string(),
                         "ends_at": string("date-time", nullable: true), "capacity": integer(nullable: true),
                         "status": ["enum": .array(["scheduled", "cancelled"])], "description": string(nullable: true),
                         "seats_booked": integer(), "seats_left": integer(nullable: true),
                         "bookings": object(["seated": integer(), "reminder_only": integer()]),
                         "created_at": string("date-time"), "updated_at": string("date-time")]),
        "BookingInput": object(["customer_id": integer(), "event_id": integer(), "seats": integer(minimum: 0),
                                "notes": string(nullable: true), "status": ["enum": .array(["active", "cancelled"])]]),
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
        "ReadMark": object(["read": boolean]),
        "Link": object(["customer_id": integer()], required: ["customer_id"]),
        "StaffReply": object(["body": string()], required: ["body"]),
        "Provider": object(["provider": string(), "settings": ["type": "object", "additionalProperties": string()]], required: ["provider"]),
        "Template": object(["name": string(), "kind": string(), "default": string(nullable: true), "override": string(nullable: true),
                            "fields": ["type": "array", "items": string()]]),
        "TemplateBody": object(["body": string()]),
        "TemplatePreview": object(["text": string(), "encoding": string(), "characters": integer(), "units": integer(), "segments": integer()]),
        "TemplateList": list("Template"),
        "CustomerList": list("Customer"), "EventList": list("Event"), "BookingList": list("Booking"), "JournalList": list("JournalEntry"),
    ]

    static func response(_ description: String, _ schema: String?) -> JSONValue {
        guard let schema else { return ["description": .string(description)] }
        return ["description": .string(description), "content": ["application/json": ["schema": ref(schema)]]]
    }
    static let errors: [String: JSONValue] = [
        "401": response("missing, unknown or revoked API key", "Error"),
        "403": response("read-only key", "Error"),
        "404": response("not found in this venue", "Error"),
        "409": response("conflicts with current state", "Error"),
        "422": response("invalid fields", "Error"),
    ]
    static func op(
        _ summary: String, body: String? = nil, bodyRequired: Bool = true, ok: (String, String?), query: [String] = [], path: Bool = false,
        name: Bool = false
    ) -> JSONValue {
        var responses = errors
        responses[ok.0] = response(summary, ok.1)
        var params: [JSONValue] = query.map { ["name": .string($0), "in": "query", "required": false, "schema": ["type": "string"]] }
        if path { params.append(["name": "id", "in": "path", "required": true, "schema": ["type": "integer"]]) }
        if name { params.append(["name": "name", "in": "path", "required": true, "schema": ["type": "string"]]) }
        var operation: [String: JSONValue] = ["summary": .string(summary), "responses": .object(responses)]
        if !params.isEmpty { operation["parameters"] = .array(params) }
        if let body { operation["requestBody"] = ["required": .bool(bodyRequired), "content": ["application/json": ["schema": ref(body)]]] }
        return .object(operation)
    }

    static let paths: JSONValue = [
        "/api/v1/venue": ["get": op("The key's venue", ok: ("200", "Venue")),
                          "patch": op("Change venue settings", body: "Venue", ok: ("200", "Venue"))],
        "/api/v1/customers": ["post": op("Create a customer", body: "CustomerInput", ok: ("201", "Customer")),
                              "get": op("List customers A-Z, search with q", ok: ("200", "CustomerList"), query: ["q", "cursor", "limit"])],
        "/api/v1/customers/{id}": ["get": op("A customer with consent and bookings", ok: ("200", "CustomerDetail"), path: true),
                                   "patch": op("Change a customer", body: "CustomerInput", ok: ("200", "CustomerDetail"), path: true),
                                   "delete": op("Delete a customer and their bookings", ok: ("204", nil), path: true)],
        "/api/v1/customers/{id}/export": ["get": op("Everything Crier holds about the customer, as one document (a data-access request)",
                                                     ok: ("200", "CustomerExport"), path: true)],
        "/api/v1/customers/{id}/erase": ["post": op("Erase a customer: delete them and scrub their personal data everywhere (a data-deletion request)",
                                                     ok: ("200", "Erasure"), path: true)],
        "/api/v1/customers/{id}/journal": ["get": op("The customer's journal, newest first", ok: ("200", "JournalList"),
                                                     query: ["cursor", "limit"], path: true)],
        "/api/v1/customers/{id}/consent": ["get": op("SMS consent and its history", ok: ("200", "Consent"), path: true),
                                           "patch": op("Change SMS consent", body: "Consent", ok: ("200", "Consent"), path: true)],
        "/api/v1/events": ["post": op("Create an event", body: "EventInput", ok: ("201", "Event")),
                           "get": op("List events", ok: ("200", "EventList"), query: ["when", "cursor", "limit"])],
        "/api/v1/events/{id}": ["get": op("An event with seat counts", ok: ("200", "Event"), path: true),
                                "patch": op("Change an event", body: "EventInput", ok: ("200", "Event"), path: true),
                                "delete": op("Delete an event without active bookings", ok: ("204", nil), path: true)],
        "/api/v1/events/{id}/cancel": ["post": op("Cancel an event; text_attendees also texts everyone booked", body: "EventCancel",
                                                  bodyRequired: false, ok: ("200", "Event"), path: true)],
        "/api/v1/bookings": ["post": op("Book a customer onto an event (seats 0 = reminder only)", body: "BookingInput", ok: ("201", "Booking")),
                             "get": op("List bookings", ok: ("200", "BookingList"),
                                       query: ["customer_id", "event_id", "status", "reminder_only", "cursor", "limit"])],
        "/api/v1/bookings/{id}": ["get": op("A booking", ok: ("200", "Booking"), path: true),
                                  "patch": op("Change seats, notes or cancel", body: "BookingInput", ok: ("200", "Booking"), path: true),
                                  "delete": op("Delete a booking", ok: ("204", nil), path: true)],
        "/api/v1/venue/provider": ["get": op("The venue's SMS provider, secrets masked", ok: ("200", "Provider")),
                                   "put": op("Set the SMS provider and its settings (secrets write-only)", body: "Provider", ok: ("200", "Provider"))],
        "/api/v1/templates": ["get": op("SMS templates: defaults and the venue's overrides", ok: ("200", "TemplateList"))],
        "/api/v1/templates/{name}": [
            "get": op("One template", ok: ("200", "Template"), name: true),
            "put": op("Override a template (checked strictly)", body: "TemplateBody", ok: ("200", "Template"), name: true),
            "delete": op("Back to the default wording", ok: ("200", "Template"), name: true),
        ],
        "/api/v1/templates/{name}/preview": ["post": op("Render with sample data: text, encoding, segments", body: "TemplateBody",
                                                        ok: ("200", "TemplatePreview"), name: true)],
        "/api/v1/messages": ["get": op("The message log, newest first", ok: ("200", "MessageList"),
                                      query: ["customer_id", "booking_id", "event_id", "status", "kind", "cursor", "limit"])],
        "/api/v1/messages/{id}": ["get": op("A message with its attempts", ok: ("200", "Message"), path: true)],
        "/api/v1/bookings/{id}/cancel": ["post": op("Cancel a booking", ok: ("200", "Booking"), path: true)],
        "/api/v1/inbox": ["get": op("Customers' texts, newest first; filter all|unread|read|unmatched", ok: ("200", "InboxList"),
                                   query: ["filter", "cursor", "limit"])],
        "/api/v1/inbox/{id}": ["get": op("One inbound text", ok: ("200", "InboxItem"), path: true)],
        "/api/v1/inbox/{id}/read": ["post": op("Mark read (or {\"read\": false}: unread)", body: "ReadMark", ok: ("200", "InboxItem"), path: true)],
        "/api/v1/inbox/{id}/link": ["post": op("File the text, and the sender's other unmatched texts, under a customer", body: "Link",
                                               ok: ("200", "InboxItem"), path: true)],
        "/api/v1/customers/{id}/messages": ["post": op("Text a customer (queued; an Idempotency-Key header makes retries safe)",
                                                       body: "StaffReply", ok: ("202", "Message"), path: true)],
    ]
}
