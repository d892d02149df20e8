import CrierCore
import CrierStore
import Foundation
import Hummingbird

/// The message log (filter by status, kind and day) and one message with its attempts.
struct MessagePages: Sendable {
    let staff: StaffPages
    var store: Store { staff.store }

    func register(on web: RouterGroup<CrierRequestContext>) {
        web.get("messages") { request, context in
            let venue = try context.requireVenue()
            let time = try staff.time(context)
            let query = request.uri.queryParameters
            let status = query.get("status").flatMap { MessageStatus(rawValue: String($0)) }
            let kind = query.get("kind").flatMap { MessageKind(rawValue: String($0)) }
            let day = query.get("date").map { String($0) } ?? ""
            var filter = MessageFilter(status: status, kind: kind)
            if !day.isEmpty, case .success(let start) = EventTime.parse(day + "T00:00", in: venue.timeZone) {
                filter.from = start
                filter.until = Calendar.gregorian(in: venue.timeZone).date(byAdding: .day, value: 1, to: start)
            }
            let page = try await store.messages.list(venueId: venue.id, filter: filter, cursor: query.get("cursor").map { String($0) }, limit: 100)
            var view = MessageList(
                messages: page.items.map { Self.row($0, time: time) }, hasMessages: !page.items.isEmpty, date: day,
                statuses: MessageStatus.allCases.map { .init(value: $0.rawValue, label: $0.rawValue, selected: $0 == status) },
                kinds: MessageKind.allCases.map { .init(value: $0.rawValue, label: Self.kindName($0), selected: $0 == kind) })
            if let next = page.nextCursor {
                let kept = ["status", "kind", "date"].compactMap { key in query.get(key).map { "\(key)=\(queryValue(String($0)))" } }
                view.next = "/messages?" + (kept + ["cursor=" + queryValue(next)]).joined(separator: "&")
            }
            return try await staff.render("messages", view, context)
        }
        web.get("messages/:id") { _, context in
            let venue = try context.requireVenue()
            let time = try staff.time(context)
            let (message, attempts) = try await store.messages.get(venueId: venue.id, id: try context.pathID("id", "message"))
            var customerName: String?
            if let customerId = message.customerId {
                do {
                    let customer = try await store.customers.get(venueId: venue.id, id: customerId)
                    customerName = "\(customer.firstName) \(customer.lastName)"
                } catch CrierError.notFound(_) {}  // deleted since: the page says so
            }
            let view = MessageDetail(
                message: Self.row(message, time: time), fullBody: message.body, customerName: customerName,
                scheduled: message.scheduledFor.map(time.dateAndTime), sent: message.sentAt.map(time.dateAndTime),
                handedOff: message.handedOffAt.map(time.dateAndTime), outbound: message.direction == .out, encoding: message.encoding?.rawValue,
                providerMessageId: message.providerMessageId, errorCode: message.errorCode, zone: time.zoneName,
                attempts: attempts.map { .init(attempt: $0.attempt, started: time.dateAndTime($0.startedAt), outcome: $0.outcome,
                                               errorCode: $0.errorCode, detail: $0.detail) })
            return try await staff.render("message", view, context)
        }
    }

    static func row(_ message: Message, time: PageTime) -> MessageRow {
        let body = message.body ?? ""
        return MessageRow(
            id: message.id, when: time.dateAndTime(message.sentAt ?? message.scheduledFor ?? message.createdAt),
            direction: message.direction == .in ? "in" : "out", kind: kindName(message.kind), status: message.status.rawValue,
            reason: message.reason, to: message.to, from: message.from, segments: message.segments,
            body: body.isEmpty ? nil : body.count > 80 ? String(body.prefix(77)) + "…" : body, customerId: message.customerId)
    }

    /// A message kind as staff say it.
    static func kindName(_ kind: MessageKind) -> String {
        switch kind {
        case .confirmation: "confirmation"
        case .bookingChanged: "booking changed"
        case .bookingCancelled: "booking cancelled"
        case .reminder7d: "7-day reminder"
        case .reminder24h: "24-hour reminder"
        case .reply: "reply"
        case .optOutAck: "opt-out acknowledgement"
        case .optInAck: "opt-in acknowledgement"
        case .help: "help"
        case .manual: "staff text"
        }
    }
}

/// A text in a list (the log, a customer's page, the dashboard).
struct MessageRow: Encodable {
    var id: Int64
    var when, direction, kind, status: String
    var reason: String?
    var to: String
    var from: String?
    var segments: Int?
    /// The text, shortened; nil until it is written (at hand-off).
    var body: String?
    var customerId: Int64?
}

/// The message log with its filters.
struct MessageList: Encodable {
    var messages: [MessageRow]
    var hasMessages: Bool
    var date: String
    var statuses: [Choice]
    var kinds: [Choice]
    var next: String?
}

/// One text with what happened to it.
struct MessageDetail: Encodable {
    struct Attempt: Encodable {
        var attempt: Int
        var started, outcome: String
        var errorCode, detail: String?
    }
    var message: MessageRow
    var fullBody, customerName, scheduled, sent, handedOff: String?
    var outbound: Bool
    var encoding, providerMessageId, errorCode: String?
    /// The venue's zone, which every time on the page is in.
    var zone: String
    var attempts: [Attempt]
}

/// One choice of a `<select>`.
struct Choice: Encodable {
    var value, label: String
    var selected: Bool
}

extension Calendar {
    static func gregorian(in zone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }
}
