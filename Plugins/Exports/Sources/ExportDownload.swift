import CrierPluginKit
import Foundation

/// A download request, from a page, the API or the CLI: which export, for which venue, one
/// event's guest list or all bookings, with or without Excel's byte order mark.
struct ExportDownload: Sendable {
    var kind: ExportKind
    var venue: Venue
    var eventId: Int64?
    var byteOrderMark: Bool

    /// Reads `{kind}` and `?event_id=&bom=`; an unknown kind is a 404, a bad or unknown event a 422.
    static func read(kind text: String?, query: [String: String], caller: PluginCaller, services: PluginServices) async throws -> ExportDownload {
        guard let text, let kind = ExportKind(rawValue: text) else { throw CrierError.notFound("export") }
        guard let venue = try await services.records.venues(ids: [caller.venueId]).first else { throw CrierError.notFound("venue") }
        var download = ExportDownload(kind: kind, venue: venue, eventId: nil, byteOrderMark: PluginRequest.isOn(query["bom"]))
        if let event = query["event_id"], !event.isEmpty {
            guard kind == .bookings else { throw CrierError.invalid(FieldErrors("event_id", "applies only to the bookings export")) }
            guard let id = Int64(event), try await services.records.event(venueId: venue.id, id: id) != nil else {
                throw CrierError.invalid(FieldErrors("event_id", "is not one of this venue's events"))
            }
            download.eventId = id
        }
        return download
    }

    /// The streamed response.
    func response(_ services: PluginServices) -> PluginResponse {
        let this = self
        let records = services.records
        return .download(filename: kind.filename(venue: venue, eventId: eventId, now: services.clock.now()), contentType: "text/csv; charset=utf-8") { sink in
            try await this.kind.write(venue: this.venue, eventId: this.eventId, byteOrderMark: this.byteOrderMark, records: records, to: sink)
        }
    }
}
