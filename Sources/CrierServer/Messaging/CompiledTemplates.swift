import CrierCore
import Mustache
import Synchronization

/// A template's checks and parse, kept by its text and message kind. Venue overrides change
/// rarely, so the cache stays small; it is emptied if it ever grows past `limit`.
final class CompiledTemplates: Sendable {
    /// One template, checked for `kind` and parsed.
    struct Entry: Sendable {
        /// Rule breaches (unknown fields, sections the kind can't fill); empty when fine.
        var problems: [String]
        /// Fields that must have a value, sorted; nil when the template's variables can't be read.
        var required: [String]?
        var template: MustacheTemplate?
        var parseError: String?
    }

    private struct Key: Hashable {
        var text: String
        var kind: MessageKind
    }

    private let entries = Mutex<[Key: Entry]>([:])
    let limit = 512

    func get(_ text: String, kind: MessageKind) -> Entry {
        let key = Key(text: text, kind: kind)
        if let entry = entries.withLock({ $0[key] }) { return entry }
        var entry = Entry(problems: TemplateRules.problems(text, kind: kind))
        entry.required = TemplateRules.variables(in: text).map { $0.required.sorted() }
        do {
            // Plain text: "Fish & Chips" must not become "Fish &amp; Chips".
            entry.template = try MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT}}" + text)
        } catch {
            entry.parseError = "\(error)"
        }
        entries.withLock { entries in
            if entries.count >= limit { entries.removeAll() }
            entries[key] = entry
        }
        return entry
    }
}
