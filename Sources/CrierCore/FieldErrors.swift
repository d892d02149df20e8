import Foundation

/// Validation problems keyed by the API's snake_case field name ("mobile": "is required").
/// A form shows each next to its field; the API returns them in `error.fields`.
public struct FieldErrors: Error, Sendable, Equatable {
    public private(set) var fields: [String: String] = [:]

    public init() {}
    public init(_ field: String, _ message: String) { fields[field] = message }

    public var isEmpty: Bool { fields.isEmpty }

    /// Records a problem; the first one found for a field is kept (it is usually the cause).
    public mutating func add(_ field: String, _ message: String) {
        if fields[field] == nil { fields[field] = message }
    }

    /// Throws self when any problem was recorded.
    public func throwIfAny() throws(FieldErrors) { if !isEmpty { throw self } }
}

/// Text rules shared by every entity: trimmed, bounded, no control characters.
public enum Text {
    /// Trims and checks a required single-line value; records a problem and returns nil when bad.
    public static func required(_ value: String?, field: String, max: Int, errors: inout FieldErrors) -> String? {
        guard let value = optional(value, field: field, max: max, errors: &errors) else {
            errors.add(field, "is required")
            return nil
        }
        return value
    }

    /// Trims an optional value; an empty string becomes nil.
    public static func optional(
        _ value: String?, field: String, max: Int, multiline: Bool = false, errors: inout FieldErrors
    ) -> String? {
        guard let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else {
            return nil
        }
        if trimmed.count > max {
            errors.add(field, "must be at most \(max) characters")
            return nil
        }
        let allowedControls: Set<Character> = multiline ? ["\n", "\r\n", "\t"] : []
        if trimmed.contains(where: { $0.isControlCharacter && !allowedControls.contains($0) }) {
            errors.add(field, multiline ? "must not contain control characters" : "must be a single line")
            return nil
        }
        return trimmed
    }
}

extension Character {
    var isControlCharacter: Bool { unicodeScalars.contains { $0.properties.generalCategory == .control } }
}
