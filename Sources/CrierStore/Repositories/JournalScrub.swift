import Foundation

/// Scrubs one journal entry's stored data for an erasure: every personal field (names, mobile and
/// other numbers, email, notes, text bodies) and any text containing one of the person's values
/// becomes `marker`; numbers, booleans, ids, counts and timestamps stay, so entries still decode
/// to their kind and aggregates built from them stay right.
enum JournalScrub {
    static let marker = "[erased]"

    /// The payload fields that hold personal data, in any entry (see `JournalRecordEvents`).
    static let personalKeys: Set<String> = [
        "first_name", "last_name", "mobile", "email", "notes", "note", "name", "body", "text", "from", "to", "reply",
    ]

    /// The scrubbed JSON, or nil when nothing in it changed.
    static func scrub(_ data: String, values: [String]) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(data.utf8), options: [.fragmentsAllowed]) else { return nil }
        let needles = values.filter { $0.count >= 2 }.map { $0.lowercased() }
        var changed = false
        func walk(_ value: Any, personal: Bool) -> Any {
            switch value {
            case let text as String:
                let lower = text.lowercased()
                if text != marker, personal || needles.contains(where: { lower.contains($0) }) {
                    changed = true
                    return marker
                }
                return text
            case let dictionary as [String: Any]:
                // `changed` / `previous` hold a field change's two sides under the field's own name.
                return dictionary.reduce(into: [String: Any]()) { $0[$1.key] = walk($1.value, personal: personal || personalKeys.contains($1.key)) }
            case let array as [Any]:
                return array.map { walk($0, personal: personal) }
            default:
                return value
            }
        }
        let scrubbed = walk(object, personal: false)
        guard changed, let out = try? JSONSerialization.data(withJSONObject: scrubbed, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes])
        else { return nil }
        return String(decoding: out, as: UTF8.self)
    }
}
