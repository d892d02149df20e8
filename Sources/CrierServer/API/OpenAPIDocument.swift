import CrierCore
import CrierPluginKit
import Hummingbird

/// The OpenAPI 3.1 description of every route but the staff web form, made from the routes'
/// own operations (`APICatalog`) once the router is complete; served at `/api/v1/openapi.json`
/// and, readable, at `/api/docs`. What a kind of route can always answer is added here, so no
/// operation has to remember it: 401/403 behind the key, 400/413 with a body, 404 for an id.
enum OpenAPIDocument {
    static func make(_ routes: [DocumentedRoute]) -> JSONValue {
        var paths: [String: [String: JSONValue]] = [:]
        for route in routes { paths[route.path, default: [:]][route.method.rawValue.lowercased()] = operation(route) }
        let tags = Set(routes.map(\.operation.tag)).sorted()
        return [
            "openapi": "3.1.0",
            "info": ["title": "Crier API", "version": "1",
                     "description": "Customers, events and bookings of one venue (the API key's). Errors are {\"error\": {code, message, fields}}."],
            "servers": .array([["url": "/"]]),
            "security": .array([["bearer": .array([])]]),
            "tags": .array(tags.map { ["name": .string($0)] }),
            "components": ["securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]], "schemas": APIComponents.schemas],
            "paths": .object(paths.mapValues(JSONValue.object)),
        ]
    }

    /// The answers a route gives whatever it does, by who may call it and what it takes.
    static func implied(_ route: DocumentedRoute) -> [APIResponse] {
        let op = route.operation
        var out: [APIResponse] = []
        switch route.access {
        case .apiKey:
            out.append(.error(401, "missing, unknown or revoked API key"))
            if route.method != .get { out.append(.error(403, "a read-only key")) }
            out.append(.error(503, "the database is unavailable or busy; try again after Retry-After"))
        case .webhook:
            out.append(.error(403, "the provider's signature does not verify"))
            out.append(.error(503, "the database is unavailable or busy; the provider retries"))
        case .open:
            break
        }
        if op.parameters.contains(where: { $0.location == .path }) { out.append(.error(404, "not found in this venue")) }
        if op.parameters.contains(where: { $0.location == .query }) || op.body != nil { out.append(.error(422, "invalid fields, each named")) }
        if let body = op.body {
            if body.contentTypes.contains("application/json") { out.append(.error(400, "malformed_json: the body is not a JSON object")) }
            out.append(.error(413, "the body is larger than this route takes"))
        }
        return out
    }

    static func operation(_ route: DocumentedRoute) -> JSONValue {
        let op = route.operation
        var responses: [String: JSONValue] = [:]
        for answer in implied(route) { responses[String(answer.status)] = response(answer) }
        // A route's own answer for a status replaces the implied one; two of its own with one
        // status are the same answer in two content types.
        var own: Set<Int> = []
        for answer in op.responses {
            let key = String(answer.status)
            if own.contains(answer.status), case .object(var merged)? = responses[key], case .object(let content)? = merged["content"],
               case .object(let more)? = response(answer)["content"] {
                merged["content"] = .object(content.merging(more) { a, _ in a })
                responses[key] = .object(merged)
            } else {
                responses[key] = response(answer)
            }
            own.insert(answer.status)
        }
        var out: [String: JSONValue] = [
            "operationId": .string(op.id), "summary": .string(op.summary), "tags": .array([.string(op.tag)]),
            "responses": .object(responses),
        ]
        if let details = op.details { out["description"] = .string(details) }
        if route.access != .apiKey { out["security"] = .array([]) }
        var parameters = op.parameters
        // A path segment the operation forgot is still described (the route test reports it).
        for name in pathParameters(route.path) where !parameters.contains(where: { $0.location == .path && $0.name == name }) {
            parameters.append(.path(name, .string()))
        }
        if !parameters.isEmpty { out["parameters"] = .array(parameters.map(parameter)) }
        if let body = op.body {
            var media: [String: JSONValue] = [:]
            for type in body.contentTypes {
                var content: [String: JSONValue] = ["schema": body.schema.json]
                if let example = body.example { content["example"] = example }
                media[type] = .object(content)
            }
            out["requestBody"] = ["required": .bool(body.required), "content": .object(media)]
        }
        return .object(out)
    }

    static func parameter(_ p: APIParameter) -> JSONValue {
        var out: [String: JSONValue] = ["name": .string(p.name), "in": .string(p.location.rawValue), "required": .bool(p.required), "schema": p.schema.json]
        if let description = p.description { out["description"] = .string(description) }
        return .object(out)
    }

    static func response(_ r: APIResponse) -> JSONValue {
        var out: [String: JSONValue] = ["description": .string(r.description)]
        if let schema = r.schema {
            var content: [String: JSONValue] = ["schema": schema.json]
            if let example = r.example { content["example"] = example }
            out["content"] = .object([r.contentType: .object(content)])
        }
        return .object(out)
    }

    /// `{id}` and `{name}` of `/api/v1/templates/{name}`.
    static func pathParameters(_ path: String) -> [String] {
        path.split(separator: "/").filter { $0.hasPrefix("{") && $0.hasSuffix("}") }.map { String($0.dropFirst().dropLast()) }
    }
}
