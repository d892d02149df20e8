import CrierCore
import CrierPluginKit
import CrierStore
import Hummingbird

/// `GET /api/v1/stats?from=&to=` (JSON) and `GET /api/v1/stats.csv` (the same as CSV): texts sent,
/// delivered and failed (by error), segments and the delivery rate, per local day and per kind,
/// with each day's opt-outs and replies, for the key's venue.
struct StatisticsRoutes {
    let store: Store

    static let range: [APIParameter] = [
        .query("from", .day, "the first day (the venue's); 29 days before to when absent"),
        .query("to", .day, "the last day, inclusive; today when absent (at most \(StatisticsRange.maxDays) days)"),
    ]

    func register(on api: DocumentedRoutes) {
        api.get("stats", APIOperation(
            "getStatistics", "Delivery statistics per day and per kind of text", tag: "Statistics", parameters: Self.range,
            responses: [.ok(StatisticsView.schema, "the statistics")])
        ) { request, context in
            let venue = try context.requireVenue()
            return JSONResponse(StatisticsView.json(try await statistics(request, venue: venue)))
        }
        api.get("stats.csv", APIOperation(
            "getStatisticsCSV", "The same statistics as CSV: a row per day, one per kind that day, and a total",
            tag: "Statistics", parameters: Self.range + [.query("bom", .string(), "1, true, yes or on: start with a byte-order mark (Excel)")],
            responses: [.file("text/csv", "CSV with a header row")])
        ) { request, context in
            let venue = try context.requireVenue()
            return StatisticsView.download(
                try await statistics(request, venue: venue), venue: venue, byteOrderMark: PluginRequest.isOn(request.uri.queryParameters.get("bom")))
        }
    }

    func statistics(_ request: Request, venue: Venue) async throws -> DeliveryStatistics {
        let query = request.uri.queryParameters
        let range = try StatisticsRange.read(from: query.get("from"), to: query.get("to"), zone: venue.timeZone, now: store.clock.now())
        return try await store.messages.statistics(venueId: venue.id, range: range)
    }
}
