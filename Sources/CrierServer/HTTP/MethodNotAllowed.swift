import HTTPTypes
import Hummingbird
import Synchronization

/// A known path asked for with a method it does not take gets 405 and `Allow` (RFC 9110 15.5.6),
/// where the router alone answers 404 as if the path did not exist. Only the router's own "no
/// such route" is turned into a 405; a route's own 404 (no such customer) is left alone.
struct MethodNotAllowed: RouterMiddleware {
    typealias Context = CrierRequestContext
    let routes: KnownRoutes

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError where error.status == .notFound {
            guard let allowed = answer(request, context) else { throw error }
            return allowed
        }
        guard response.status == .notFound, let allowed = answer(request, context) else { return response }
        return allowed
    }

    private func answer(_ request: Request, _ context: Context) -> Response? {
        guard context.endpointPath == nil || context.endpointPath == "NotFound" else { return nil }
        let methods = routes.methods(for: request.uri.path)
        guard !methods.isEmpty, !methods.contains(request.method.rawValue) else { return nil }
        let allow = methods.joined(separator: ", ")
        let message = "\(request.method.rawValue) is not allowed here; this path takes \(allow)"
        var response: Response
        if request.uri.path.hasPrefix("/api/") {
            let error = APIError(.methodNotAllowed, code: "method_not_allowed", message: message)
            response = (try? error.response(from: request, context: context)) ?? Response(status: .methodNotAllowed)
        } else {
            response = Response(status: .methodNotAllowed, headers: [.contentType: "text/plain; charset=utf-8"],
                                body: .init(byteBuffer: .init(string: message + "\n")))
        }
        response.headers[.allow] = allow
        return response
    }
}

/// The router's routes, for `MethodNotAllowed`: filled in once every route is registered (the
/// middleware has to be added before them).
final class KnownRoutes: Sendable {
    private let table = Mutex<[(path: RouterPath, methods: [String])]>([])

    func load(_ routes: [Router<CrierRequestContext>.RouteDescription]) {
        var byPath: [String: (path: RouterPath, methods: Set<String>)] = [:]
        for route in routes {
            byPath[route.path.description, default: (route.path, [])].methods.insert(route.method.rawValue)
        }
        table.withLock { table in
            table = byPath.values.map { entry in
                var methods = entry.methods
                if methods.contains("GET") { methods.insert("HEAD") }  // the router answers HEAD for every GET
                return (entry.path, methods.sorted())
            }
        }
    }

    /// The methods every route matching `path` takes (sorted, no duplicates); empty for an unknown path.
    func methods(for path: String) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        return table.withLock { table in
            Array(Set(table.filter { Self.matches($0.path, segments) }.flatMap(\.methods))).sorted()
        }
    }

    static func matches(_ template: RouterPath, _ segments: [Substring]) -> Bool {
        var index = 0
        for element in template {
            if element.description == "**" { return true }
            guard index < segments.count, element ~= segments[index] else { return false }
            index += 1
        }
        return index == segments.count
    }
}
