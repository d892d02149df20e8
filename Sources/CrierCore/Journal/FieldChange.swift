/// One field of a record that a `*.changed` entry changed: its value before and after. Stored as
/// the entry's `changed` (new values) and `previous` (old values) objects, keyed by field.
public struct FieldChange<Value: Sendable & Equatable & Codable>: Sendable, Equatable {
    public var from: Value
    public var to: Value

    public init(from: Value, to: Value) {
        self.from = from
        self.to = to
    }

    /// The change between two values, or nil when they are equal (a field left alone).
    public static func between(_ from: Value, _ to: Value) -> FieldChange? { from == to ? nil : FieldChange(from: from, to: to) }
}

/// The `changed` and `previous` objects of a `*.changed` entry, read field by field.
struct FieldChangeReader<Keys: CodingKey> {
    let changed: KeyedDecodingContainer<Keys>?
    let previous: KeyedDecodingContainer<Keys>?

    enum Sides: String, CodingKey { case changed, previous }

    init(_ decoder: any Decoder) throws {
        let sides = try decoder.container(keyedBy: Sides.self)
        changed = sides.contains(.changed) ? try sides.nestedContainer(keyedBy: Keys.self, forKey: .changed) : nil
        previous = sides.contains(.previous) ? try sides.nestedContainer(keyedBy: Keys.self, forKey: .previous) : nil
    }

    /// The field's change; nil when the entry did not change it.
    func field<V>(_ key: Keys) throws -> FieldChange<V>? {
        guard let changed, changed.contains(key) else { return nil }
        let to = try changed.decode(V.self, forKey: key)
        guard let previous, previous.contains(key) else { return FieldChange(from: to, to: to) }
        return FieldChange(from: try previous.decode(V.self, forKey: key), to: to)
    }
}

/// Writes changes as `changed` and `previous` objects.
struct FieldChangeWriter<Keys: CodingKey> {
    var changed: KeyedEncodingContainer<Keys>
    var previous: KeyedEncodingContainer<Keys>

    init(_ encoder: any Encoder) {
        var sides = encoder.container(keyedBy: FieldChangeReader<Keys>.Sides.self)
        changed = sides.nestedContainer(keyedBy: Keys.self, forKey: .changed)
        previous = sides.nestedContainer(keyedBy: Keys.self, forKey: .previous)
    }

    mutating func field<V>(_ key: Keys, _ change: FieldChange<V>?) throws {
        guard let change else { return }
        try changed.encode(change.to, forKey: key)
        try previous.encode(change.from, forKey: key)
    }
}
