import CrierPluginKit
import Foundation

/// The timeline as JSON, for the API key's venue:
/// `GET customers/{customer_id}` (kind, from, to, cursor, limit), `GET customers/{customer_id}/export`
/// (CSV), `POST customers/{customer_id}/notes`, `PATCH|DELETE notes/{id}`.
enum TimelineAPI {
    static func list(_ request: PluginRequest) async throws -> PluginResponse {
        let (filter, _, _) = try await TimelineAPI.filter(request)
        let limit = try request.pageLimit()
        let page = try await request.services.database.read { db in
            try await TimelineList.page(db, filter, cursor: request.query["cursor"], limit: limit)
        }
        let views = try await TimelineView.make(page.rows, venueId: filter.venueId, services: request.services)
        return .json(["items": .array(views.map(json)), "next_cursor": .from(page.next)])
    }

    /// Every item and note of the customer's timeline, newest first: their part of a data-access export.
    static func record(customerId: Int64, caller: PluginCaller, services: PluginServices) async throws -> JSONValue {
        let customer = try await TimelineNotes.requireCustomer(customerId, caller, services)
        let zone = try await services.records.timeZone(venueId: caller.venueId)
        let filter = try TimelineFilter.read([:], venueId: caller.venueId, customerId: customer.id, zone: zone)
        var items: [JSONValue] = [], cursor: String?
        repeat {
            let after = cursor
            let page = try await services.database.read { db in try await TimelineList.page(db, filter, cursor: after, limit: 500) }
            items += try await TimelineView.make(page.rows, venueId: caller.venueId, services: services).map(json)
            cursor = page.next
        } while cursor != nil
        return .array(items)
    }

    static func export(_ request: PluginRequest) async throws -> PluginResponse {
        let (filter, customer, zone) = try await TimelineAPI.filter(request)
        return TimelineExport.download(filter, customer: customer, zone: zone, byteOrderMark: request.flag("bom"), services: request.services)
    }

    static func addNote(_ request: PluginRequest) async throws -> PluginResponse {
        let id = try request.id("customer_id", of: "customer")
        let note = try await TimelineNotes.add(customerId: id, body: try body(request), caller: request.caller, services: request.services)
        return .json(noteJSON(note), status: 201)
    }

    static func editNote(_ request: PluginRequest) async throws -> PluginResponse {
        let id = try request.id("id", of: "note")
        return .json(noteJSON(try await TimelineNotes.edit(id: id, body: try body(request), caller: request.caller, services: request.services)))
    }

    static func deleteNote(_ request: PluginRequest) async throws -> PluginResponse {
        _ = try await TimelineNotes.delete(id: try request.id("id", of: "note"), caller: request.caller, services: request.services)
        return .json(.null, status: 204)
    }

    /// The customer (a 404 unless the caller's venue's), the filter and the venue's zone.
    static func filter(_ request: PluginRequest) async throws -> (TimelineFilter, Customer, TimeZone) {
        let customer = try await TimelineNotes.requireCustomer(try request.id("customer_id", of: "customer"), request.caller, request.services)
        let zone = try await request.services.records.timeZone(venueId: request.caller.venueId)
        let filter = try TimelineFilter.read(request.query, venueId: request.caller.venueId, customerId: customer.id, zone: zone)
        return (filter, customer, zone)
    }

    static func body(_ request: PluginRequest) throws -> String? {
        guard case .object(let fields) = try request.json() else { throw CrierError.invalid(FieldErrors("body", "must be a JSON object")) }
        guard let value = fields["body"] else { return nil }
        guard let text = value.stringValue else { throw CrierError.invalid(FieldErrors("body", "must be a string")) }
        return text
    }

    static func json(_ view: TimelineView) -> JSONValue {
        let at = JSONValue.string(time(view.row.at))
        if let note = view.row.note {
            var out = noteJSON(note)
            out = merge(out, ["kind": "note", "group": "notes", "at": at, "what": .string(view.what)])
            return out
        }
        let item = view.row.item!
        return [
            "kind": .string(item.kind.rawValue), "group": .string(item.kind.group.rawValue), "entry_id": .number(Double(item.entryId)),
            "at": at, "what": .string(view.what), "body": .from(view.body), "event_name": .from(item.eventName),
            "seats": .from(item.seats), "previous_seats": .from(item.previousSeats),
            "booking_id": item.kind.group == .bookings ? .number(Double(item.subjectId)) : .null,
            "message_id": item.messageId.map { .number(Double($0)) } ?? .null,
            "message_kind": item.kind == .textOut ? .from(item.detail) : .null,
            "status": .from(item.status), "error_code": .from(item.errorCode), "by": .string(item.actor),
        ]
    }

    static func noteJSON(_ note: TimelineNote) -> JSONValue {
        [
            "note_id": .number(Double(note.id)), "customer_id": .number(Double(note.customerId)), "body": .string(note.body),
            "author": .string(note.author), "author_name": .string(note.authorName), "created_at": .string(time(note.createdAt)),
            "updated_at": .string(time(note.updatedAt)), "edited_by": .from(note.editedBy),
        ]
    }

    static func merge(_ a: JSONValue, _ b: [String: JSONValue]) -> JSONValue {
        guard case .object(var fields) = a else { return a }
        for (k, v) in b { fields[k] = v }
        return .object(fields)
    }

    static func time(_ millis: Int64) -> String {
        EventTime.rfc3339(Date(timeIntervalSince1970: Double(millis) / 1000), in: TimeZone(identifier: "UTC")!)
    }
}
