import CrierCore
import CrierPluginKit
import CrierStore
import Hummingbird

/// `/api/v1/events`: times are RFC 3339 with an offset or local `YYYY-MM-DDTHH:MM` in the venue's zone.
struct EventRoutes {
    let store: Store
    /// What a PATCH changes in an event's fields (a key left out keeps its value).
    static func edit(name: String??, startsAt: String??, endsAt: String??, capacity: Int??, description: String??)
        -> @Sendable (EventInput) -> EventInput
    {
        { input in
            var input = input
            if let name { input.name = name }
            if let startsAt { input.startsAt = startsAt }
            if let endsAt { input.endsAt = endsAt }
            if let capacity { input.capacity = capacity }
            if let description { input.description = description }
            return input
        }
    }

    static let fields: Set<String> = ["name", "starts_at", "ends_at", "capacity", "description"]

    func register(on api: DocumentedRoutes) {
        let events = api.group("events")
        events.post(APIOperation(
            "createEvent", "Create an event", details: "Times are RFC 3339 with an offset, or local YYYY-MM-DDTHH:MM in the venue's zone.",
            tag: "Events",
            body: .json(.ref("EventInput"), example: ["name": "Quiz night", "starts_at": "2026-12-18T19:30", "capacity": 40]),
            responses: [.created(.ref("Event"), "the event")])
        ) { request, context in
            let venue = try context.requireVenue()
            var body = try await JSONBody.read(request, allowed: Self.fields)
            let input = EventInput(
                name: body.string("name") ?? nil, startsAt: body.string("starts_at") ?? nil, endsAt: body.string("ends_at") ?? nil,
                capacity: body.int("capacity") ?? nil, description: body.string("description") ?? nil)
            try body.throwIfInvalid()
            let event = try await store.events.create(venue: venue, input: input, actor: context.actor)
            return JSONResponse(Representation.event(event, zone: venue.timeZone), status: .created,
                                headers: [.location: "/api/v1/events/\(event.event.id)"])
        }
        events.get(APIOperation(
            "listEvents", "Events in start order", tag: "Events",
            parameters: [.query("when", .oneOf(EventWindow.allCases.map(\.rawValue)), "upcoming (default), past or all"), .cursor, .limit],
            responses: [.ok(.ref("EventList"), "a page of events")])
        ) { request, context in
            let venue = try context.requireVenue()
            let window = try request.queryEnum("when", as: EventWindow.self) ?? .upcoming
            let page = try await store.events.list(
                venueId: venue.id, window: window, cursor: request.uri.queryParameters.get("cursor"), limit: try request.pageLimit())
            return JSONResponse(Representation.page(page) { Representation.event($0, zone: venue.timeZone) })
        }
        events.get(":id", APIOperation(
            "getEvent", "An event with seat counts", tag: "Events", parameters: [.path("id")], responses: [.ok(.ref("Event"), "the event")])
        ) { _, context in
            let venue = try context.requireVenue()
            let event = try await store.events.get(venueId: venue.id, id: try context.pathID("id", "event"))
            return JSONResponse(Representation.event(event, zone: venue.timeZone))
        }
        events.patch(":id", APIOperation(
            "updateEvent", "Change an event, or cancel it with status cancelled", tag: "Events", parameters: [.path("id")],
            body: .json(.ref("EventChange"), example: ["capacity": 60]),
            responses: [.ok(.ref("Event"), "the event as changed"),
                        .error(409, "event_cancelled or capacity_below_bookings: the change conflicts with the event's state")])
        ) { request, context in
            let venue = try context.requireVenue()
            let id = try context.pathID("id", "event")
            var body = try await JSONBody.read(request, allowed: Self.fields.union(["status"]))
            let name = body.string("name"), start = body.string("starts_at"), end = body.string("ends_at")
            let capacity = body.int("capacity"), description = body.string("description")
            let status = body.string("status")
            var target: EventStatus?
            if let status {
                target = status.flatMap(EventStatus.init(rawValue:))
                if target == nil { body.errors.add("status", "must be scheduled or cancelled") }
            }
            try body.throwIfInvalid()
            let current = try await store.events.get(venueId: venue.id, id: id)
            if target == .scheduled, current.event.status == .cancelled {
                throw CrierError.conflict(code: "event_cancelled", message: "a cancelled event can't be reinstated; create it again",
                                          fields: ["status": "can't go from cancelled back to scheduled"])
            }
            var event = current
            let changesFields = [name, start, end, description].contains(where: { $0 != nil }) || capacity != nil
            if changesFields || target == .cancelled {
                // Fields and status together, in one transaction.
                let change = changesFields
                    ? Self.edit(name: name, startsAt: start, endsAt: end, capacity: capacity, description: description) : nil
                event = try await store.events.update(venue: venue, id: id, cancel: target == .cancelled, actor: context.actor, change: change)
            }
            return JSONResponse(Representation.event(event, zone: venue.timeZone))
        }
        events.post(":id/cancel", APIOperation(
            "cancelEvent", "Cancel an event; text_attendees also texts everyone booked", tag: "Events", parameters: [.path("id")],
            body: .json(.ref("EventCancel"), required: false, example: ["text_attendees": true]),
            responses: [.ok(.ref("Event"), "the cancelled event")])
        ) { request, context in
            let venue = try context.requireVenue()
            // The body is optional: `{"text_attendees": true}` also texts everyone booked.
            var body = try await JSONBody.read(request, allowed: ["text_attendees"], emptyAllowed: true)
            let textAttendees = body.bool("text_attendees") ?? false
            try body.throwIfInvalid()
            let event = try await store.events.cancel(
                venueId: venue.id, id: try context.pathID("id", "event"), textAttendees: textAttendees, actor: context.actor)
            return JSONResponse(Representation.event(event, zone: venue.timeZone))
        }
        events.delete(":id", APIOperation(
            "deleteEvent", "Delete an event without active bookings", tag: "Events", parameters: [.path("id")],
            responses: [.noContent, .error(409, "event_has_bookings: cancel it instead")])
        ) { _, context in
            let venue = try context.requireVenue()
            try await store.events.delete(venueId: venue.id, id: try context.pathID("id", "event"), actor: context.actor)
            return Response(status: .noContent)
        }
    }
}
