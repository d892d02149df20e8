import CrierPluginKit
import Hummingbird

/// A router (or group) whose routes are registered together with their operation, so the API's
/// description lists every route there is: there is no way here to add one without it.
struct DocumentedRoutes {
    let routes: any RouterMethods<CrierRequestContext>
    /// Where `routes` is mounted: `/api/v1`.
    let prefix: String
    let access: APIAccess
    let catalog: APICatalog

    typealias Handler<Output> = @Sendable (Request, CrierRequestContext) async throws -> Output

    /// The routes under `path`, documented the same way.
    func group(_ path: String) -> DocumentedRoutes {
        DocumentedRoutes(routes: routes.group(RouterPath(path)), prefix: Self.join(prefix, path), access: access, catalog: catalog)
    }

    /// Adds middleware to the routes registered through the result.
    func adding(_ middleware: any MiddlewareProtocol<Request, Response, CrierRequestContext>) -> DocumentedRoutes {
        DocumentedRoutes(routes: routes.group().add(middleware: middleware), prefix: prefix, access: access, catalog: catalog)
    }

    func on<Output: ResponseGenerator>(_ method: HTTPRequest.Method, _ path: String, _ operation: APIOperation, use handler: @escaping Handler<Output>) {
        routes.on(RouterPath(path), method: method, use: handler)
        catalog.add(DocumentedRoute(method: method, path: RouterPath(Self.join(prefix, path)).description, operation: operation, access: access))
    }

    func get<Output: ResponseGenerator>(_ path: String, _ operation: APIOperation, use handler: @escaping Handler<Output>) {
        on(.get, path, operation, use: handler)
    }

    func post<Output: ResponseGenerator>(_ path: String, _ operation: APIOperation, use handler: @escaping Handler<Output>) {
        on(.post, path, operation, use: handler)
    }

    func put<Output: ResponseGenerator>(_ path: String, _ operation: APIOperation, use handler: @escaping Handler<Output>) {
        on(.put, path, operation, use: handler)
    }

    func patch<Output: ResponseGenerator>(_ path: String, _ operation: APIOperation, use handler: @escaping Handler<Output>) {
        on(.patch, path, operation, use: handler)
    }

    func delete<Output: ResponseGenerator>(_ path: String, _ operation: APIOperation, use handler: @escaping Handler<Output>) {
        on(.delete, path, operation, use: handler)
    }

    /// At the group's own path.
    func get<Output: ResponseGenerator>(_ operation: APIOperation, use handler: @escaping Handler<Output>) { on(.get, "", operation, use: handler) }

    /// At the group's own path.
    func post<Output: ResponseGenerator>(_ operation: APIOperation, use handler: @escaping Handler<Output>) { on(.post, "", operation, use: handler) }

    static func join(_ prefix: String, _ path: String) -> String {
        let parts = (prefix.split(separator: "/") + path.split(separator: "/")).map(String.init)
        return "/" + parts.joined(separator: "/")
    }
}
