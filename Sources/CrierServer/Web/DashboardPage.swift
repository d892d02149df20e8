import CrierCore
import CrierStore
import Foundation
import Hummingbird

/// Today: events today and coming up with seats taken, reminders due in the next 24 hours,
/// unread replies, recent delivery failures, and texts per day for the last 30 days.
struct DashboardPage: Sendable {
    let staff: StaffPages
    var store: Store { staff.store }

    func register(on web: RouterGroup<CrierRequestContext>) {
        web.get("/") { _, context in
            let venue = try context.requireVenue()
            let time = try staff.time(context)
            let now = store.clock.now()
            let events = try await store.events.list(venueId: venue.id, window: .upcoming, cursor: nil, limit: 10).items
            let due = try await store.dispatch.due(by: now.addingTimeInterval(86_400), limit: 1000, venueId: venue.id, kinds: [.reminder7d, .reminder24h])
            let failures = try await store.messages.list(venueId: venue.id, filter: MessageFilter(status: .failed, from: now.addingTimeInterval(-7 * 86_400)),
                                                         cursor: nil, limit: 10).items
            let unread = try await store.inbox.list(venueId: venue.id, filter: .unread, cursor: nil, limit: 5).items
            let days = try await store.messages.perDay(venueId: venue.id, days: 30, zone: venue.timeZone, now: now)
            return try await staff.render("dashboard", [
                "events": events.map { EventPages.row($0, time: time) }, "no_events": events.isEmpty,
                "due": due.count, "due_list": due.prefix(10).map { MessagePages.row($0, time: time) },
                "failures": failures.map { MessagePages.row($0, time: time) }, "no_failures": failures.isEmpty,
                "unread": unread.map { ["id": $0.message.id, "from": $0.customerName ?? $0.message.from ?? "", "body": $0.message.body ?? ""] as [String: Any] },
                "no_unread": unread.isEmpty,
                "chart": MessageChart(days: days).svg,
            ], context)
        }
    }
}
