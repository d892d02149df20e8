import CrierCore

/// A JSON Schema (OpenAPI 3.1 dialect) for a request or response, built from small pieces so a
/// route's description reads like the data it takes: `.object(["name": .string()], required: ["name"])`.
public struct APISchema: Sendable, Equatable {
    /// The schema as it appears in the document.
    public var json: JSONValue

    public init(json: JSONValue) { self.json = json }

    /// A reference to a schema in the document's components (the core's shared shapes).
    public static func ref(_ name: String) -> APISchema { APISchema(json: ["$ref": .string("#/components/schemas/\(name)")]) }

    public static func string(format: String? = nil, pattern: String? = nil, maxLength: Int? = nil, description: String? = nil) -> APISchema {
        var s: [String: JSONValue] = ["type": "string"]
        if let format { s["format"] = .string(format) }
        if let pattern { s["pattern"] = .string(pattern) }
        if let maxLength { s["maxLength"] = .from(maxLength) }
        if let description { s["description"] = .string(description) }
        return APISchema(json: .object(s))
    }

    public static func integer(minimum: Int? = nil, maximum: Int? = nil, description: String? = nil) -> APISchema {
        var s: [String: JSONValue] = ["type": "integer"]
        if let minimum { s["minimum"] = .from(minimum) }
        if let maximum { s["maximum"] = .from(maximum) }
        if let description { s["description"] = .string(description) }
        return APISchema(json: .object(s))
    }

    /// A day as YYYY-MM-DD for a query parameter; empty, as a form sends it, means none.
    public static let day = string(pattern: "^([0-9]{4}-[0-9]{2}-[0-9]{2})?$", description: "YYYY-MM-DD")

    /// An id: a positive integer.
    public static let id = integer(minimum: 1)
    public static let boolean = APISchema(json: ["type": "boolean"])
    /// Any JSON object: a shape that varies (a journal entry's data, a provider's settings).
    public static let anyObject = APISchema(json: ["type": "object"])

    /// One of fixed strings.
    public static func oneOf(_ values: [String], description: String? = nil) -> APISchema {
        var s: [String: JSONValue] = ["type": "string", "enum": .array(values.map(JSONValue.string))]
        if let description { s["description"] = .string(description) }
        return APISchema(json: .object(s))
    }

    public static func array(_ items: APISchema) -> APISchema { APISchema(json: ["type": "array", "items": items.json]) }

    /// An object with these properties; `additional` false refuses keys not named (as the API does).
    public static func object(_ properties: [String: APISchema], required: [String] = [], additional: Bool = true) -> APISchema {
        var s: [String: JSONValue] = [
            "type": "object", "properties": .object(properties.mapValues(\.json)), "required": .array(required.map(JSONValue.string)),
        ]
        if !additional { s["additionalProperties"] = false }
        return APISchema(json: .object(s))
    }

    /// A map of names to values of one shape.
    public static func map(_ values: APISchema) -> APISchema { APISchema(json: ["type": "object", "additionalProperties": values.json]) }

    /// A page of a list: `items` and the cursor of the next page (null on the last).
    public static func page(of item: APISchema) -> APISchema {
        object(["items": .array(item), "next_cursor": string().orNull], required: ["items", "next_cursor"])
    }

    /// This schema or null.
    public var orNull: APISchema {
        if case .object(var s) = json, case .string(let type)? = s["type"] {
            s["type"] = .array([.string(type), "null"])
            return APISchema(json: .object(s))
        }
        return APISchema(json: ["oneOf": .array([json, ["type": "null"]])])
    }

    /// Every one of these shapes at once (a detail that extends a summary).
    public static func allOf(_ parts: [APISchema]) -> APISchema { APISchema(json: ["allOf": .array(parts.map(\.json))]) }
}
