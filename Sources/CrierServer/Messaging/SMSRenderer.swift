import CrierCore
import CrierStore
import Foundation
import Mustache

/// Renders a message's body at send time from current data, strictly: an unknown field or an empty
/// required one is a `template_error`, never "Hi ," or "undefined". Plain text: "Fish & Chips"
/// stays "Fish & Chips".
struct SMSRenderer: Sendable {
    /// The bundled templates by name; a venue's overrides win over them.
    let defaults: [String: String]

    enum Failure: Error, Equatable {
        case noTemplate(String)
        case invalidTemplate(String, [String])
        case missingValue(String)

        var detail: String {
            switch self {
            case .noTemplate(let name): return "no template named \(name)"
            case .invalidTemplate(let name, let problems): return "template \(name) " + problems.joined(separator: "; ")
            case .missingValue(let field): return "{{\(field)}} has no value for this message"
            }
        }
    }

    /// The template name for a message: the reminder-only wording for a 0-seat booking when the kind has one.
    static func templateName(kind: MessageKind, booking: Booking?) -> String {
        let names = TemplateRules.names(for: kind)
        if booking?.isReminderOnly == true, names.count > 1 { return names[1] }
        return names.first ?? kind.rawValue
    }

    func render(_ context: DispatchContext) -> Result<String, Failure> {
        let kind = context.message.kind
        let name = Self.templateName(kind: kind, booking: context.booking)
        guard let template = context.templates[name] ?? defaults[name] else { return .failure(.noTemplate(name)) }
        return render(template, name: name, kind: kind, fields: Self.fields(context))
    }

    /// Renders `template` for `kind` with `fields` (also used for the settings preview).
    func render(_ template: String, name: String, kind: MessageKind, fields: [String: String]) -> Result<String, Failure> {
        let problems = TemplateRules.problems(template, kind: kind)
        guard problems.isEmpty, let used = TemplateRules.variables(in: template) else {
            return .failure(.invalidTemplate(name, problems))
        }
        for field in used.required.sorted() where (fields[field] ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            return .failure(.missingValue(field))
        }
        do {
            let compiled = try MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT}}" + template)
            // Empty optional fields are left out, so {{#notes}} sections disappear.
            let values = fields.filter { !$0.value.isEmpty }
            return .success(compiled.render(values).trimmingCharacters(in: .whitespacesAndNewlines))
        } catch {
            return .failure(.invalidTemplate(name, ["does not parse: \(error)"]))
        }
    }

    /// The values a message's template can use, from current data.
    static func fields(_ c: DispatchContext) -> [String: String] {
        var fields = ["venue_name": c.venue.name]
        if let customer = c.customer {
            fields["first_name"] = customer.firstName
            fields["last_name"] = customer.lastName
        }
        if let event = c.event {
            let when = HumanTime(zone: c.venue.timeZone)
            fields["event_name"] = event.name
            fields["event_date"] = when.date(event.startsAt)
            fields["event_time"] = when.time(event.startsAt)
            fields["event_when"] = when.dateAndTime(event.startsAt)
        }
        if let booking = c.booking {
            fields["seats"] = String(booking.seats)
            fields["seats_text"] = booking.seats == 1 ? "1 seat" : "\(booking.seats) seats"
            fields["notes"] = booking.notes ?? ""
        }
        return fields
    }
}

/// Dates and times as a person reads them in a text: "Fri 5 Dec, 7:30pm", "7pm".
struct HumanTime {
    let zone: TimeZone

    func date(_ d: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_GB")
        f.timeZone = zone
        f.dateFormat = "EEE d MMM"
        return f.string(from: d)
    }

    func time(_ d: Date) -> String {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = zone
        let parts = c.dateComponents([.hour, .minute], from: d)
        let hour = parts.hour!, minute = parts.minute!
        let twelve = hour % 12 == 0 ? 12 : hour % 12
        let suffix = hour < 12 ? "am" : "pm"
        if hour == 12 && minute == 0 { return "noon" }
        return minute == 0 ? "\(twelve)\(suffix)" : String(format: "%d:%02d%@", twelve, minute, suffix)
    }

    func dateAndTime(_ d: Date) -> String { "\(date(d)), \(time(d))" }
}
