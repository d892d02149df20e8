import CrierCore
import CrierStore
import Foundation
import Hummingbird

/// Today: events today and coming up with seats taken, reminders due in the next 24 hours,
/// unread replies, recent delivery failures, and texts per day over a date range (the last 30 days
/// unless `?from=&to=` say otherwise), with the range's figures per kind and a CSV of them.
struct DashboardPage: Sendable {
    let staff: StaffPages
    var store: Store { staff.store }

    func register(on web: RouterGroup<CrierRequestContext>) {
        registerDownload(on: web)
        web.get("/") { request, context in
            let venue = try context.requireVenue()
            let time = try staff.time(context)
            let now = store.clock.now()
            let events = try await store.events.list(venueId: venue.id, window: .upcoming, cursor: nil, limit: 10).items
            let due = try await store.dispatch.due(by: now.addingTimeInterval(86_400), limit: 1000, venueId: venue.id, kinds: [.reminder7d, .reminder24h])
            let failures = try await store.messages.list(venueId: venue.id, filter: MessageFilter(status: .failed, from: now.addingTimeInterval(-7 * 86_400)),
                                                         cursor: nil, limit: 10).items
            let unread = try await store.inbox.list(venueId: venue.id, filter: .unread, cursor: nil, limit: 5).items
            let query = request.uri.queryParameters
            var problems: [String: String] = [:]
            let range: StatisticsRange
            do {
                range = try StatisticsRange.read(from: query.get("from"), to: query.get("to"), zone: venue.timeZone, now: now)
            } catch {
                if case CrierError.invalid(let errors) = error { problems = errors.fields }
                range = try StatisticsRange.read(from: nil, to: nil, zone: venue.timeZone, now: now)
            }
            let stats = try await store.messages.statistics(venueId: venue.id, range: range)
            let session = try staff.requireStaff(context)
            let view = Dashboard(
                events: events.map { EventPages.row($0, time: time, relative: true) }, hasEvents: !events.isEmpty,
                due: due.count, dueList: due.prefix(10).map { Self.due($0, time: time) },
                failures: failures.map { MessagePages.row($0, time: time) },
                unreadTexts: unread.map { .init(id: $0.message.id, from: $0.customerName ?? $0.message.from ?? "unknown", body: $0.message.body ?? "") },
                // A bad date is said beside its field; the default range is shown meanwhile.
                rangeFrom: query.get("from") ?? range.first, rangeTo: query.get("to") ?? range.last,
                fromProblem: problems["from"], toProblem: problems["to"],
                canDownload: StaffPages.mayDownload(session, venue: venue), csvQuery: "from=\(range.first)&to=\(range.last)",
                kindRows: Self.kindRows(stats), rangeTotal: Self.figures(stats.total, label: "All texts"),
                optOuts: stats.optOuts, replies: stats.replies,
                chart: MessageChart(days: stats.days.map(\.total), first: range.first, last: range.last).svg, zone: time.zoneName)
            return try await staff.render("dashboard", view, context)
        }
    }

    /// The range's figures as CSV (as `GET /api/v1/stats.csv`), for whoever may download.
    func registerDownload(on web: RouterGroup<CrierRequestContext>) {
        web.get("stats.csv") { request, context in
            let session = try staff.requireStaff(context)
            let venue = try context.requireVenue()
            guard StaffPages.mayDownload(session, venue: venue) else { throw StaffPages.downloadRefused }
            let query = request.uri.queryParameters
            let range = try StatisticsRange.read(from: query.get("from"), to: query.get("to"), zone: venue.timeZone, now: store.clock.now())
            // Excel is what staff open it in.
            return StatisticsView.download(try await store.messages.statistics(venueId: venue.id, range: range), venue: venue, byteOrderMark: true)
        }
    }

    /// The range's figures for one kind of text, as the table shows them.
    static func figures(_ f: DeliveryFigures, label: String) -> Dashboard.Figures {
        let failures = f.failedBy.sorted { $0.value > $1.value }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
        return .init(label: label, sent: f.sent, delivered: f.delivered, failed: f.failed, segments: f.segments, errors: failures,
                     rate: f.deliveryRate.map { String(format: "%.1f%%", $0 * 100) } ?? "–")
    }

    /// A reminder due soon: what, to whom, and when as people say it.
    static func due(_ message: Message, time: PageTime) -> Dashboard.Due {
        .init(kind: MessagePages.kindName(message.kind), to: message.to,
              when: time.relative(message.scheduledFor ?? message.createdAt))
    }

    static func kindRows(_ stats: DeliveryStatistics) -> [Dashboard.Figures] {
        stats.kinds.filter { !$0.value.isEmpty }.sorted { $0.key.rawValue < $1.key.rawValue }
            .map { figures($0.value, label: MessagePages.kindName($0.key)) }
    }
}

/// The dashboard's view: what is on, what is due, what needs a look, and the texts over a range.
struct Dashboard: Encodable {
    struct Due: Encodable { var kind, to, when: String }
    struct Unread: Encodable {
        var id: Int64
        var from, body: String
    }
    struct Figures: Encodable {
        var label: String
        var sent, delivered, failed, segments: Int
        var errors, rate: String
    }
    var events: [EventRow]
    var hasEvents: Bool
    var due: Int
    var dueList: [Due]
    var failures: [MessageRow]
    var unreadTexts: [Unread]
    var rangeFrom, rangeTo: String
    var fromProblem, toProblem: String?
    var canDownload: Bool
    var csvQuery: String
    var kindRows: [Figures]
    var rangeTotal: Figures
    var optOuts, replies: Int
    /// The chart, drawn on the server as SVG.
    var chart: String
    /// The venue's zone, which every time on the page is in.
    var zone: String
}
