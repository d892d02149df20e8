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
    /// Templates already checked and parsed: a dispatch pass renders the same few thousands of times.
    let compiled = CompiledTemplates()

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
        // A staff-written text is sent as written.
        if kind == .manual {
            guard let body = context.message.body, !body.isEmpty else { return .failure(.missingValue("body")) }
            return .success(body)
        }
        let name = Self.templateName(kind: kind, booking: context.booking)
        guard let template = context.templates[name] ?? defaults[name] else { return .failure(.noTemplate(name)) }
        return render(template, name: name, kind: kind, fields: Self.fields(context))
    }

    /// Renders `template` for `kind` with `fields` (also used for the settings preview).
    func render(_ template: String, name: String, kind: MessageKind, fields: [String: String]) -> Result<String, Failure> {
        let checked = compiled.get(template, kind: kind)
        guard checked.problems.isEmpty else { return .failure(.invalidTemplate(name, checked.problems)) }
        guard let parsed = checked.template else { return .failure(.invalidTemplate(name, ["does not parse: \(checked.parseError ?? "")"])) }
        guard let required = checked.required else { return .failure(.invalidTemplate(name, ["its {{variables}} can't be read"])) }
        for field in required where (fields[field] ?? "").allSatisfy(\.isWhitespace) {
            return .failure(.missingValue(field))
        }
        // Empty optional fields are left out, so {{#notes}} sections disappear.
        let values = fields.filter { !$0.value.isEmpty }
        let text = parsed.render(values)
        // Trim the blank lines a template's sections leave at either end.
        guard let first = text.firstIndex(where: { !$0.isWhitespace }), let last = text.lastIndex(where: { !$0.isWhitespace }) else {
            return .success("")
        }
        return .success(String(text[first...last]))
    }

    /// The answer to a keyword (STOP, START, HELP) for `customer` (nil: a sender who is no
    /// customer). The venue's wording, or the bundled one if the venue's can't be filled for this
    /// sender: an opt-out is always acknowledged.
    func keywordReply(_ kind: MessageKind, venue: Venue, customer: Customer?, overrides: [String: String]) -> String? {
        var fields = ["venue_name": venue.name]
        if let customer {
            fields["first_name"] = customer.firstName
            fields["last_name"] = customer.lastName
        }
        let name = kind.rawValue
        if let custom = overrides[name], case .success(let text) = render(custom, name: name, kind: kind, fields: fields) { return text }
        guard let bundled = defaults[name], case .success(let text) = render(bundled, name: name, kind: kind, fields: fields) else { return nil }
        return text
    }

    /// The values a message's template can use, from current data.
    static func fields(_ c: DispatchContext) -> [String: String] {
        var fields = ["venue_name": c.venue.name]
        if let customer = c.customer {
            fields["first_name"] = customer.firstName
            fields["last_name"] = customer.lastName
        }
        if let event = c.event {
            let when = HumanTime(zone: c.venue.timeZone).parts(event.startsAt)
            fields["event_name"] = event.name
            fields["event_date"] = when.date
            fields["event_time"] = when.time
            fields["event_when"] = "\(when.date), \(when.time)"
        }
        if let booking = c.booking {
            fields["seats"] = String(booking.seats)
            fields["seats_text"] = booking.seats == 1 ? "1 seat" : "\(booking.seats) seats"
            fields["notes"] = booking.notes ?? ""
        }
        return fields
    }
}

