import CrierCore
import CrierPluginKit
import Hummingbird
import Synchronization

/// Who may call a documented route, which decides the answers every such route can give.
enum APIAccess: Sendable {
    /// Behind the API key: 401 without one, 403 for a read-only key on anything but GET.
    case apiKey
    /// Open to anyone: health checks, metrics, the description itself.
    case open
    /// A provider's webhook: the provider's signature is the check (403 when it is wrong).
    case webhook
}

/// One route as the API's description lists it.
struct DocumentedRoute: Sendable {
    var method: HTTPRequest.Method
    /// OpenAPI's form: `/api/v1/events/{id}`.
    var path: String
    var operation: APIOperation
    var access: APIAccess
}

/// Every documented route, filled in as routes are registered; the OpenAPI document and the
/// docs page are made from it once the router is complete.
final class APICatalog: Sendable {
    private let routes = Mutex<[DocumentedRoute]>([])
    private let made = Mutex<JSONValue?>(nil)

    func add(_ route: DocumentedRoute) { routes.withLock { $0.append(route) } }

    var all: [DocumentedRoute] { routes.withLock { $0 } }

    /// The OpenAPI document, made on first use (every route is registered by the first request).
    var document: JSONValue {
        made.withLock { made in
            if let made { return made }
            let document = OpenAPIDocument.make(all)
            made = document
            return document
        }
    }
}
