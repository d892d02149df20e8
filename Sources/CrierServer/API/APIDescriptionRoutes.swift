import CrierCore
import CrierPluginKit
import Foundation
import Hummingbird

/// `GET /api/v1/openapi.json` (the OpenAPI document) and `GET /api/docs` (the same, as a page to
/// read): both made from the routes' own operations, and open to anyone, since tools fetch them
/// before they have a key.
struct APIDescriptionRoutes: Sendable {
    let catalog: APICatalog
    let pages: WebPages

    func register(on open: DocumentedRoutes) {
        open.get("api/v1/openapi.json", APIOperation(
            "openapi", "This API's OpenAPI 3.1 description, made from the routes themselves", tag: "Operations",
            responses: [.ok(.anyObject, "the OpenAPI document")])
        ) { _, _ in JSONResponse(catalog.document) }
        open.get("api/docs", APIOperation(
            "apiDocs", "This API's description as a page to read", tag: "Operations",
            responses: [.file("text/html", "the page")])
        ) { _, _ in
            pages.render("api_docs", APIDocsPage(catalog.all), chrome: WebPages.Chrome(csrfToken: ""))
        }
    }
}

/// What `/api/docs` shows: the operations by tag, each with its parameters, body and answers, then
/// the shared shapes they refer to.
struct APIDocsPage: Encodable {
    struct Section: Encodable {
        var tag, anchor: String
        var operations: [Operation]
    }
    struct Link: Encodable { var tag, anchor: String }
    struct Operation: Encodable {
        var method, path, summary, id, access: String
        var details: String?
        var parameters: [Parameter]
        var hasParameters: Bool
        var body: Body?
        var responses: [Answer]
    }
    struct Parameter: Encodable {
        var name, `in`: String
        var required: Bool
        var type: String
        var description: String?
    }
    struct Body: Encodable {
        var types: String
        var required: Bool
        var schema: String
        /// The shared shape's anchor, or else the schema written out.
        var shape, json, example: String?
    }
    struct Answer: Encodable {
        var status: Int
        var description: String
        var good: Bool
        var schema, type, shape: String?
    }
    struct Shape: Encodable { var name, anchor, json: String }
    var toc: [Link]
    var sections: [Section]
    var schemas: [Shape]

    init(_ routes: [DocumentedRoute]) {
        let tags = Dictionary(grouping: routes, by: \.operation.tag)
        sections = tags.keys.sorted().map { tag in
            Section(tag: tag, anchor: Self.anchor(tag),
                    operations: tags[tag]!.sorted { ($0.path, $0.method.rawValue) < ($1.path, $1.method.rawValue) }.map(Self.operation))
        }
        toc = sections.map { Link(tag: $0.tag, anchor: $0.anchor) }
        if case .object(let all) = APIComponents.schemas {
            schemas = all.keys.sorted().map { Shape(name: $0, anchor: "schema-" + $0, json: Self.pretty(all[$0]!)) }
        } else {
            schemas = []
        }
    }

    static func operation(_ route: DocumentedRoute) -> Operation {
        let op = route.operation
        return Operation(
            method: route.method.rawValue, path: route.path, summary: op.summary, id: op.id, access: access(route.access), details: op.details,
            parameters: op.parameters.map { Parameter(name: $0.name, in: $0.location.rawValue, required: $0.required, type: schemaLine($0.schema),
                                                      description: $0.description) },
            hasParameters: !op.parameters.isEmpty,
            body: op.body.map { body in
                let name = refName(body.schema)
                return Body(types: body.contentTypes.joined(separator: ", "), required: body.required, schema: schemaLine(body.schema),
                            shape: name.map { "schema-" + $0 }, json: name == nil ? pretty(body.schema.json) : nil, example: body.example.map(pretty))
            },
            responses: responses(route))
    }

    /// Every answer in status order, the implied ones included.
    static func responses(_ route: DocumentedRoute) -> [Answer] {
        var byStatus: [Int: APIResponse] = [:]
        for r in OpenAPIDocument.implied(route) + route.operation.responses { byStatus[r.status] = r }
        return byStatus.keys.sorted().map { status in
            let r = byStatus[status]!
            return Answer(status: status, description: r.description, good: status < 400, schema: r.schema.map(schemaLine),
                          type: r.schema == nil ? nil : r.contentType, shape: r.schema.flatMap(refName).map { "schema-" + $0 })
        }
    }

    static func access(_ access: APIAccess) -> String {
        switch access {
        case .apiKey: "API key (Authorization: Bearer …)"
        case .open: "open: no key"
        case .webhook: "the provider's signature"
        }
    }

    /// A schema in a few words: a shared shape's name, or its type.
    static func schemaLine(_ schema: APISchema) -> String {
        if let name = refName(schema) { return name }
        guard case .object(let s) = schema.json else { return "any" }
        if case .array(let values)? = s["enum"] { return values.compactMap(\.stringValue).filter { !$0.isEmpty }.joined(separator: " | ") }
        if case .string(let type)? = s["type"] {
            if type == "array", let items = s["items"] { return "array of " + schemaLine(APISchema(json: items)) }
            if case .string(let format)? = s["format"] { return "\(type) (\(format))" }
            return type
        }
        if case .array(let types)? = s["type"] { return types.compactMap(\.stringValue).joined(separator: " or ") }
        return "object"
    }

    static func refName(_ schema: APISchema) -> String? {
        guard case .object(let s) = schema.json, case .string(let ref)? = s["$ref"] else { return nil }
        return String(ref.split(separator: "/").last ?? "")
    }

    static func anchor(_ tag: String) -> String { "tag-" + tag.lowercased().replacingOccurrences(of: " ", with: "-") }

    static func pretty(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).flatMap { String(data: $0, encoding: .utf8) } ?? ""
    }
}
