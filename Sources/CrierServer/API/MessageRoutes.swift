import CrierCore
import CrierPluginKit
import CrierStore
import Hummingbird

/// `/api/v1/messages`: the message log, newest first, and one message with its attempts.
struct MessageRoutes {
    let store: Store

    func register(on api: DocumentedRoutes) {
        let messages = api.group("messages")
        messages.get(APIOperation(
            "listMessages", "The message log, newest first", tag: "Messages",
            parameters: [.query("customer_id", .id), .query("booking_id", .id), .query("event_id", .id),
                         .query("status", .oneOf(MessageStatus.allCases.map(\.rawValue))),
                         .query("kind", .oneOf(MessageKind.allCases.map(\.rawValue))), .cursor, .limit],
            responses: [.ok(.ref("MessageList"), "a page of texts")])
        ) { request, context in
            let venue = try context.requireVenue()
            let filter = MessageFilter(
                customerId: try request.queryID("customer_id"), bookingId: try request.queryID("booking_id"),
                eventId: try request.queryID("event_id"), status: try request.queryEnum("status", as: MessageStatus.self),
                kind: try request.queryEnum("kind", as: MessageKind.self))
            let page = try await store.messages.list(
                venueId: venue.id, filter: filter, cursor: request.uri.queryParameters.get("cursor"), limit: try request.pageLimit())
            return JSONResponse(Representation.page(page, Representation.message))
        }
        messages.get(":id", APIOperation(
            "getMessage", "A text with its attempts", tag: "Messages", parameters: [.path("id")], responses: [.ok(.ref("Message"), "the text")])
        ) { _, context in
            let venue = try context.requireVenue()
            let (message, attempts) = try await store.messages.get(venueId: venue.id, id: try context.pathID("id", "message"))
            guard case .object(var json) = Representation.message(message) else { return JSONResponse(.null) }
            json["attempt_log"] = .array(attempts.map(Representation.attempt))
            return JSONResponse(.object(json))
        }
    }
}
