import Foundation

/// Turns a page's view (a struct) into the context its template renders: a ``TemplateFrame`` per
/// struct, arrays for arrays, strings, numbers and booleans as they are, and ``TemplateNull`` for
/// every nil, so every name a view declares is present at its own level. Property names become
/// the templates' snake_case (`unreadCount` is `unread_count`).
public enum TemplateEncoder {
    /// The context for `view`.
    public static func context(_ view: some Encodable) -> TemplateFrame {
        let encoder = ValueEncoder(path: [])
        encoder.viewName = String(describing: type(of: view))
        do {
            try view.encode(to: encoder)
        } catch {
            // Views are plain data; encoding one cannot fail short of a programming error.
            preconditionFailure("a template view failed to encode: \(error)")
        }
        if let frame = encoder.value as? TemplateFrame { return frame }
        return TemplateFrame(view: String(describing: type(of: view)), values: ["value": encoder.value ?? TemplateNull()])
    }

    /// `unreadCount` → `unread_count`; names already in snake_case stay as they are.
    static func snakeCase(_ name: String) -> String {
        var out = ""
        for character in name {
            if character.isUppercase {
                if !out.isEmpty { out.append("_") }
                out.append(contentsOf: character.lowercased())
            } else {
                out.append(character)
            }
        }
        return out
    }

    /// One value being encoded; a container writes into the frame or array it made.
    final class ValueEncoder: Encoder {
        let codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }
        var value: Any?
        var viewName = "view"

        init(path: [any CodingKey]) { codingPath = path }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            let frame = (value as? TemplateFrame) ?? TemplateFrame(view: viewName)
            value = frame
            return KeyedEncodingContainer(Keyed<Key>(frame: frame, path: codingPath))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            let list = ListBox()
            value = list
            return Unkeyed(list: list, path: codingPath)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer { Single(encoder: self) }

        /// What `value` is once its containers are done (arrays are collected in a box meanwhile).
        var finished: Any {
            if let list = value as? ListBox { return list.items }
            return value ?? TemplateNull()
        }
    }

    final class ListBox { var items: [Any] = [] }

    static func encode(_ value: some Encodable, path: [any CodingKey]) throws -> Any {
        switch value {
        case let string as String: return string
        case let bool as Bool: return bool
        case let int as Int: return int
        case let int as Int64: return int
        case let double as Double: return double
        default:
            let encoder = ValueEncoder(path: path)
            encoder.viewName = String(describing: type(of: value))
            try value.encode(to: encoder)
            return encoder.finished
        }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let frame: TemplateFrame
        let path: [any CodingKey]
        var codingPath: [any CodingKey] { path }

        func put(_ value: Any, _ key: Key) { frame.values[TemplateEncoder.snakeCase(key.stringValue)] = value }

        mutating func encodeNil(forKey key: Key) throws { put(TemplateNull(), key) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            put(try TemplateEncoder.encode(value, path: path + [key]), key)
        }
        // Synthesised Codable skips nil optionals; a view declares them, so they are written as null.
        mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
            if let value { try encode(value, forKey: key) } else { put(TemplateNull(), key) }
        }
        mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { put(value ?? TemplateNull(), key) }
        mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { put(value ?? TemplateNull(), key) }
        mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { put(value ?? TemplateNull(), key) }
        mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { put(value ?? TemplateNull(), key) }
        mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { put(value ?? TemplateNull(), key) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            let nested = TemplateFrame(view: key.stringValue)
            put(nested, key)
            return KeyedEncodingContainer(Keyed<NestedKey>(frame: nested, path: path + [key]))
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            preconditionFailure("template views use arrays, not nested unkeyed containers")
        }
        mutating func superEncoder() -> any Encoder { preconditionFailure("template views do not inherit") }
        mutating func superEncoder(forKey key: Key) -> any Encoder { preconditionFailure("template views do not inherit") }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let list: ListBox
        let path: [any CodingKey]
        var codingPath: [any CodingKey] { path }
        var count: Int { list.items.count }

        mutating func encodeNil() throws { list.items.append(TemplateNull()) }
        mutating func encode<T: Encodable>(_ value: T) throws { list.items.append(try TemplateEncoder.encode(value, path: path)) }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let nested = TemplateFrame(view: "row")
            list.items.append(nested)
            return KeyedEncodingContainer(Keyed<NestedKey>(frame: nested, path: path))
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            preconditionFailure("template views do not nest arrays in arrays")
        }
        mutating func superEncoder() -> any Encoder { preconditionFailure("template views do not inherit") }
    }

    struct Single: SingleValueEncodingContainer {
        let encoder: ValueEncoder
        var codingPath: [any CodingKey] { encoder.codingPath }
        mutating func encodeNil() throws { encoder.value = TemplateNull() }
        mutating func encode<T: Encodable>(_ value: T) throws { encoder.value = try TemplateEncoder.encode(value, path: codingPath) }
    }
}
