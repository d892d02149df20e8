import CrierCore
import CrierPluginKit
import Foundation
import Hummingbird

/// Delivery statistics as the API and the CSV show them (one shape for both, so they agree).
enum StatisticsView {
    static func json(_ stats: DeliveryStatistics) -> JSONValue {
        var total = figures(stats.total)
        if case .object(var fields) = total {
            fields["opt_outs"] = .from(stats.optOuts)
            fields["replies"] = .from(stats.replies)
            total = .object(fields)
        }
        return [
            "from": .string(stats.range.first), "to": .string(stats.range.last), "timezone": .string(stats.range.zone.identifier),
            "total": total, "kinds": kinds(stats.kinds),
            "days": .array(stats.days.map { day in
                guard case .object(var fields) = figures(day.total) else { return .null }
                fields["day"] = .string(day.day)
                fields["opt_outs"] = .from(day.optOuts)
                fields["replies"] = .from(day.replies)
                fields["kinds"] = kinds(day.kinds)
                return .object(fields)
            }),
        ]
    }

    static func kinds(_ kinds: [MessageKind: DeliveryFigures]) -> JSONValue {
        .object(Dictionary(uniqueKeysWithValues: kinds.filter { !$0.value.isEmpty }.map { ($0.key.rawValue, figures($0.value)) }))
    }

    static func figures(_ f: DeliveryFigures) -> JSONValue {
        [
            "sent": .from(f.sent), "delivered": .from(f.delivered), "failed": .from(f.failed),
            "failed_by_error": .object(f.failedBy.mapValues { .from($0) }), "segments": .from(f.segments),
            "delivery_rate": f.deliveryRate.map { .number(($0 * 10_000).rounded() / 10_000) } ?? .null,
        ]
    }

    static let header = ["day", "kind", "sent", "delivered", "failed", "failed_by_error", "segments", "delivery_rate", "opt_outs", "replies"]

    /// One row per day for all texts (kind `all`, with opt-outs and replies), then one per kind that
    /// day had; a total row last.
    static func csv(_ stats: DeliveryStatistics, byteOrderMark: Bool) -> [UInt8] {
        var writer = CSVWriter(byteOrderMark: byteOrderMark)
        var out = writer.record(header)
        func row(_ day: String, _ kind: String, _ f: DeliveryFigures, optOuts: Int?, replies: Int?) -> [String] {
            let errors = f.failedBy.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: " ")
            return [day, kind, "\(f.sent)", "\(f.delivered)", "\(f.failed)", errors, "\(f.segments)",
                    f.deliveryRate.map { String(format: "%.4f", $0) } ?? "", optOuts.map(String.init) ?? "", replies.map(String.init) ?? ""]
        }
        for day in stats.days {
            out += writer.record(row(day.day, "all", day.total, optOuts: day.optOuts, replies: day.replies))
            for (kind, figures) in day.kinds.sorted(by: { $0.key.rawValue < $1.key.rawValue }) where !figures.isEmpty {
                out += writer.record(row(day.day, kind.rawValue, figures, optOuts: nil, replies: nil))
            }
        }
        out += writer.record(row("\(stats.range.first)..\(stats.range.last)", "all", stats.total, optOuts: stats.optOuts, replies: stats.replies))
        return out
    }

    /// The CSV as a download named for the venue and the range.
    static func download(_ stats: DeliveryStatistics, venue: Venue, byteOrderMark: Bool) -> Response {
        let bytes = csv(stats, byteOrderMark: byteOrderMark)
        return Download.response(filename: "stats-\(venue.slug)-\(stats.range.first)-\(stats.range.last).csv",
                                 contentType: "text/csv; charset=utf-8") { sink in try await sink.write(bytes) }
    }

    static let figuresSchema = APISchema.object([
        "sent": .integer(minimum: 0, description: "handed to the provider"), "delivered": .integer(minimum: 0),
        "failed": .integer(minimum: 0, description: "failed or undelivered"), "failed_by_error": .map(.integer(minimum: 0)),
        "segments": .integer(minimum: 0, description: "of the texts the provider accepted"),
        "delivery_rate": APISchema(json: ["type": .array(["number", "null"]), "minimum": 0, "maximum": 1]),
    ], required: ["sent", "delivered", "failed", "failed_by_error", "segments", "delivery_rate"])

    static let schema = APISchema.object([
        "from": .string(format: "date"), "to": .string(format: "date"), "timezone": .string(),
        "total": .allOf([figuresSchema, .object(["opt_outs": .integer(minimum: 0), "replies": .integer(minimum: 0)])]),
        "kinds": .map(figuresSchema),
        "days": .array(.allOf([figuresSchema, .object([
            "day": .string(format: "date"), "opt_outs": .integer(minimum: 0), "replies": .integer(minimum: 0), "kinds": .map(figuresSchema),
        ], required: ["day", "opt_outs", "replies", "kinds"])])),
    ], required: ["from", "to", "timezone", "total", "kinds", "days"])
}
