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
            pages.render("api_docs", APIDocsPage.values(catalog.all), chrome: WebPages.Chrome(csrfToken: ""))
        }
    }
}

/// What `/api/docs` shows: the operations by tag, each with its parameters, body and answers, then
/// the shared shapes they refer to.
enum APIDocsPage {
    static func values(_ routes: [DocumentedRoute]) -> [String: Any] {
        let tags = Dictionary(grouping: routes, by: \.operation.tag)
        let sections: [[String: Any]] = tags.keys.sorted().map { tag in
            ["tag": tag, "anchor": anchor(tag), "operations": tags[tag]!.sorted { ($0.path, $0.method.rawValue) < ($1.path, $1.method.rawValue) }.map(operation)]
        }
        guard case .object(let schemas) = APIComponents.schemas else { return ["sections": sections] }
        let shapes: [[String: Any]] = schemas.keys.sorted().map { ["name": $0, "anchor": "schema-" + $0, "json": pretty(schemas[$0]!)] }
        return ["sections": sections, "schemas": shapes, "toc": sections.map { ["tag": $0["tag"]!, "anchor": $0["anchor"]!] }]
    }

    static func operation(_ route: DocumentedRoute) -> [String: Any] {
        let op = route.operation
        var out: [String: Any] = [
            "method": route.method.rawValue, "path": route.path, "summary": op.summary, "id": op.id,
            "access": access(route.access),
            "parameters": op.parameters.map { p in
                var row: [String: Any] = ["name": p.name, "in": p.location.rawValue, "required": p.required, "type": schemaLine(p.schema)]
                if let description = p.description { row["description"] = description }
                return row
            },
            "has_parameters": !op.parameters.isEmpty, "responses": responses(route),
        ]
        if let details = op.details { out["details"] = details }
        // Mustache shows a section for any value, "" included: what is not there is left out.
        if let body = op.body {
            var shown: [String: Any] = ["types": body.contentTypes.joined(separator: ", "), "required": body.required, "schema": schemaLine(body.schema)]
            if let name = refName(body.schema) { shown["shape"] = "schema-" + name } else { shown["json"] = pretty(body.schema.json) }
            if let example = body.example { shown["example"] = pretty(example) }
            out["body"] = shown
        }
        return out
    }

    /// Every answer in status order, the implied ones included.
    static func responses(_ route: DocumentedRoute) -> [[String: Any]] {
        var byStatus: [Int: APIResponse] = [:]
        for r in OpenAPIDocument.implied(route) + route.operation.responses { byStatus[r.status] = r }
        return byStatus.keys.sorted().map { status in
            let r = byStatus[status]!
            var row: [String: Any] = ["status": status, "description": r.description, "good": status < 400]
            if let schema = r.schema {
                row["schema"] = schemaLine(schema)
                row["type"] = r.contentType
                if let name = refName(schema) { row["shape"] = "schema-" + name }
            }
            return row
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
