import Foundation

/// What an SMS template may refer to, and the strictness Crier adds to Mustache: a template
/// naming a field its kind doesn't provide is refused when saved; a field used outside a section
/// of its own name must have a value when the message is sent, or the message fails with
/// `template_error` (never "Hi ," or "undefined").
public enum TemplateRules {
    static let common: Set<String> = ["first_name", "last_name", "venue_name"]
    static let booking: Set<String> = ["event_name", "event_when", "event_date", "event_time", "seats", "seats_text", "notes"]

    /// The fields a message kind provides to its template.
    public static func fields(for kind: MessageKind) -> Set<String> {
        switch kind {
        case .confirmation, .bookingChanged, .bookingCancelled, .reminder7d, .reminder24h: return common.union(booking)
        case .reply, .optOutAck, .optInAck, .help, .manual: return common
        }
    }

    /// The template names of a kind: its own, and a `_reminder_only` wording for 0-seat bookings.
    public static func names(for kind: MessageKind) -> [String] {
        switch kind {
        case .confirmation, .reminder7d, .reminder24h: return [kind.rawValue, kind.rawValue + "_reminder_only"]
        case .bookingChanged, .bookingCancelled, .optOutAck, .optInAck, .help: return [kind.rawValue]
        case .reply, .manual: return []
        }
    }

    /// The kind a template name belongs to.
    public static func kind(ofTemplate name: String) -> MessageKind? {
        MessageKind.allCases.first { names(for: $0).contains(name) }
    }

    /// The variables a template uses: every name, and the ones used outside a section of their own
    /// name (those must have a value). Nil when the tags don't balance.
    public static func variables(in template: String) -> (all: Set<String>, required: Set<String>)? {
        var all: Set<String> = [], required: Set<String> = []
        var open: [String] = []
        var rest = Substring(template)
        while let start = rest.range(of: "{{") {
            let afterOpen = rest[start.upperBound...]
            let triple = afterOpen.hasPrefix("{")
            guard let end = afterOpen.range(of: triple ? "}}}" : "}}") else { return nil }
            var tag = afterOpen[..<end.lowerBound]
            if triple { tag = tag.dropFirst() }
            rest = afterOpen[end.upperBound...]
            let trimmed = tag.trimmingCharacters(in: .whitespaces)
            guard let sigil = trimmed.first else { return nil }
            let name = { (s: Substring) in s.trimmingCharacters(in: .whitespaces) }
            switch sigil {
            case "!", "%": continue  // comment, pragma
            case "#", "^":
                let n = name(trimmed.dropFirst())
                all.insert(n)
                open.append(n)
            case "/":
                guard open.popLast() == name(trimmed.dropFirst()) else { return nil }
            case ">", "<", "$", "=": return nil  // partials, parents, blocks, delimiter changes: not for SMS
            default:
                let n = name(Substring(trimmed.hasPrefix("&") ? String(trimmed.dropFirst()) : trimmed))
                all.insert(n)
                if !open.contains(n) { required.insert(n) }
            }
        }
        return open.isEmpty ? (all, required) : nil
    }

    /// Problems with a template for `kind`, as one message per problem; empty when it is usable.
    public static func problems(_ template: String, kind: MessageKind) -> [String] {
        guard let used = variables(in: template) else {
            return ["has unbalanced or unsupported tags (sections must close; no partials)"]
        }
        let unknown = used.all.subtracting(fields(for: kind)).sorted()
        var problems = unknown.map { "uses {{\($0)}}, which \(kind.rawValue) messages don't provide" }
        if template.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { problems.append("is empty") }
        return problems
    }
}
