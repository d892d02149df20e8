import Foundation

/// An opaque keyset-pagination cursor: the sort key of the last row seen, base64url-encoded JSON.
/// Keyset rather than offset so that a page never skips or repeats rows while others are added.
public enum Cursor {
    public static func encode(_ key: [JSONValue]) -> String {
        let data = (try? JSONEncoder().encode(key)) ?? Data()
        return data.base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Decodes a cursor made by `encode`; a tampered or foreign cursor is a field error on `cursor`.
    public static func decode(_ text: String, count: Int) throws(CrierError) -> [JSONValue] {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64),
            let key = try? JSONDecoder().decode([JSONValue].self, from: data), key.count == count
        else { throw .invalid(FieldErrors("cursor", "is not a cursor this list returned")) }
        return key
    }
}

extension JSONValue {
    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var int64Value: Int64? {
        if case .number(let n) = self, n.rounded() == n, abs(n) < 9e15 { return Int64(n) }
        return nil
    }
    public var intValue: Int? { int64Value.map { Int($0) } }
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    /// An object's field (nil for a missing field or a value that is not an object): `data["changed"]?["seats"]`.
    public subscript(_ key: String) -> JSONValue? { if case .object(let o) = self { return o[key] } else { return nil } }
}

/// Page sizes: the default and the most one request may ask for.
public enum PageSize {
    public static let `default` = 50
    public static let max = 200
}
