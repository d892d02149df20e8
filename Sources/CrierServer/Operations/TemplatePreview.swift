import CrierCore
import CrierStore
import Foundation

/// A template rendered with sample data, as it would reach a phone: the text, its encoding and
/// what it costs in segments. The API's preview and the settings form show the same thing.
struct TemplatePreview: Sendable {
    var text: String
    var measurement: SMSMeasurement

    /// Renders `body` as template `name`; a problem (unknown field, bad syntax) is a `body` field error.
    static func render(_ body: String, name: String, kind: MessageKind, venue: Venue, renderer: SMSRenderer, now: Date) throws(CrierError)
        -> TemplatePreview
    {
        switch renderer.render(body, name: name, kind: kind, fields: sample(venue: venue, reminderOnly: name.hasSuffix("_reminder_only"), now: now)) {
        case .success(let text): return TemplatePreview(text: text, measurement: SMSMeasurement(text))
        case .failure(let failure): throw .invalid(FieldErrors("body", failure.detail))
        }
    }

    /// Sample values: a real-looking booking at the venue, a week from now.
    static func sample(venue: Venue, reminderOnly: Bool, now: Date) -> [String: String] {
        let when = HumanTime(zone: venue.timeZone)
        let start = now.addingTimeInterval(7 * 86_400)
        return ["first_name": "Sam", "last_name": "Taylor", "venue_name": venue.name, "event_name": "Quiz night",
                "event_when": when.dateAndTime(start), "event_date": when.date(start), "event_time": when.time(start),
                "seats": reminderOnly ? "0" : "4", "seats_text": reminderOnly ? "0 seats" : "4 seats", "notes": "Window table"]
    }
}
