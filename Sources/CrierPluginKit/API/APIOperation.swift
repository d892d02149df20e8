import CrierCore

/// What one HTTP route does, described next to its handler: the host collects every route's
/// operation into `/api/v1/openapi.json` and `/api/docs`, and a route without one does not exist.
public struct APIOperation: Sendable {
    /// Unique across the API (`createEvent`); the host prefixes a plugin's with its id.
    public var id: String
    public var summary: String
    /// Longer prose: rules, what a field means.
    public var details: String?
    /// The section it is listed under (`Events`).
    public var tag: String
    public var parameters: [APIParameter]
    public var body: APIBody?
    /// Its own answers. The host adds what every route of its kind can answer (401, 403 for a
    /// read-only key, 400 and 413 for a body, 404 for a path id, 422 for a query or body).
    public var responses: [APIResponse]

    public init(
        _ id: String, _ summary: String, details: String? = nil, tag: String, parameters: [APIParameter] = [], body: APIBody? = nil,
        responses: [APIResponse]
    ) {
        self.id = id
        self.summary = summary
        self.details = details
        self.tag = tag
        self.parameters = parameters
        self.body = body
        self.responses = responses
    }
}

/// A path, query or header parameter.
public struct APIParameter: Sendable {
    public enum Location: String, Sendable {
        case path
        case query
        case header
    }

    public var name: String
    public var location: Location
    public var required: Bool
    public var schema: APISchema
    public var description: String?

    public init(_ name: String, in location: Location, required: Bool, schema: APISchema, description: String? = nil) {
        self.name = name
        self.location = location
        self.required = required
        self.schema = schema
        self.description = description
    }

    /// A path segment; ids are positive integers (anything else is a 404).
    public static func path(_ name: String, _ schema: APISchema = .id, _ description: String? = nil) -> APIParameter {
        APIParameter(name, in: .path, required: true, schema: schema, description: description)
    }

    /// A query parameter. An empty value, as a form sends it, means the parameter is absent, so a
    /// choice of values also takes "".
    public static func query(_ name: String, _ schema: APISchema = .string(), _ description: String? = nil) -> APIParameter {
        var schema = schema
        if case .object(var s) = schema.json, case .array(let values)? = s["enum"], !values.contains("") {
            s["enum"] = .array(values + [""])
            schema = APISchema(json: .object(s))
        }
        return APIParameter(name, in: .query, required: false, schema: schema, description: description)
    }

    /// `?cursor=`: where the previous page's `next_cursor` said to go on.
    public static let cursor = query("cursor", .string(), "next_cursor of the previous page")
    /// `?limit=`: page size.
    public static let limit = query("limit", .integer(minimum: 1, maximum: PageSize.max), "page size, \(PageSize.default) when absent")
}

/// A request body.
public struct APIBody: Sendable {
    public var schema: APISchema
    public var required: Bool
    /// `application/json`, `application/x-www-form-urlencoded`, `multipart/form-data`, `text/csv`.
    public var contentTypes: [String]
    public var example: JSONValue?

    public init(_ schema: APISchema, required: Bool = true, contentTypes: [String] = ["application/json"], example: JSONValue? = nil) {
        self.schema = schema
        self.required = required
        self.contentTypes = contentTypes
        self.example = example
    }

    /// A JSON body.
    public static func json(_ schema: APISchema, required: Bool = true, example: JSONValue? = nil) -> APIBody {
        APIBody(schema, required: required, example: example)
    }
}

/// One answer a route gives.
public struct APIResponse: Sendable {
    public var status: Int
    public var description: String
    /// Nil: no body (204), or a body whose shape isn't JSON (see `contentType`).
    public var schema: APISchema?
    public var contentType: String
    public var example: JSONValue?

    public init(_ status: Int, _ description: String, schema: APISchema? = nil, contentType: String = "application/json", example: JSONValue? = nil) {
        self.status = status
        self.description = description
        self.schema = schema
        self.contentType = contentType
        self.example = example
    }

    /// 200 with a JSON body.
    public static func ok(_ schema: APISchema, _ description: String = "done", example: JSONValue? = nil) -> APIResponse {
        APIResponse(200, description, schema: schema, example: example)
    }

    public static func created(_ schema: APISchema, _ description: String = "created", example: JSONValue? = nil) -> APIResponse {
        APIResponse(201, description, schema: schema, example: example)
    }

    public static let noContent = APIResponse(204, "deleted; no body")

    /// The API's error shape, for a status the host doesn't add by itself (409, 503).
    public static func error(_ status: Int, _ description: String) -> APIResponse {
        APIResponse(status, description, schema: .ref("Error"))
    }

    /// A file: a CSV download, a page, Prometheus text.
    public static func file(_ contentType: String, _ description: String, status: Int = 200) -> APIResponse {
        APIResponse(status, description, schema: .string(), contentType: contentType)
    }
}
