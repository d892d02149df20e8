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
            var data: [String: Any] = [
                "messages": page.items.map { Self.row($0, time: time) }, "none": page.items.isEmpty, "date": day,
                "statuses": MessageStatus.allCases.map { ["value": $0.rawValue, "selected": $0 == status] as [String: Any] },
                "kinds": MessageKind.allCases.map { ["value": $0.rawValue, "label": Self.kindName($0), "selected": $0 == kind] as [String: Any] },
            ]
            if let next = page.nextCursor {
                let kept = ["status", "kind", "date"].compactMap { key in query.get(key).map { "\(key)=\(queryValue(String($0)))" } }
                data["next"] = "/messages?" + (kept + ["cursor=" + queryValue(next)]).joined(separator: "&")
            }
            return try await staff.render("messages", data, context)
        }
        web.get("messages/:id") { _, context in
            let venue = try context.requireVenue()
            let time = try staff.time(context)
            let (message, attempts) = try await store.messages.get(venueId: venue.id, id: try context.pathID("id", "message"))
            var data = Self.row(message, time: time)
            data["full_body"] = message.body ?? ""
            if let customerId = message.customerId {
                do {
                    let customer = try await store.customers.get(venueId: venue.id, id: customerId)
                    data["customer_name"] = "\(customer.firstName) \(customer.lastName)"
                } catch CrierError.notFound(_) {}  // deleted since: the page says so
            }
            data["scheduled"] = message.scheduledFor.map(time.dateAndTime) ?? ""
            data["sent"] = message.sentAt.map(time.dateAndTime) ?? ""
            data["handed_off"] = message.handedOffAt.map(time.dateAndTime) ?? ""
            data["outbound"] = message.direction == .out
            data["encoding"] = message.encoding?.rawValue ?? ""
            data["provider_message_id"] = message.providerMessageId ?? ""
            data["error_code"] = message.errorCode ?? ""
            data["attempts"] = attempts.map { attempt in
                ["attempt": attempt.attempt, "started": time.dateAndTime(attempt.startedAt), "outcome": attempt.outcome,
                 "error_code": attempt.errorCode ?? "", "detail": attempt.detail ?? ""] as [String: Any]
            }
            return try await staff.render("message", data, context)
        }
    }

    static func row(_ message: Message, time: HumanTime) -> [String: Any] {
        let body = message.body ?? ""
        return ["id": message.id, "when": time.dateAndTime(message.sentAt ?? message.scheduledFor ?? message.createdAt),
                "direction": message.direction == .in ? "in" : "out", "kind": kindName(message.kind), "status": message.status.rawValue,
                "reason": message.reason ?? "", "to": message.to, "from": message.from ?? "", "segments": message.segments.map { String($0) } ?? "",
                "body": body.count > 80 ? String(body.prefix(77)) + "…" : body, "customer_id": message.customerId ?? 0,
                "has_customer": message.customerId != nil]
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

extension Calendar {
    static func gregorian(in zone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }
}
