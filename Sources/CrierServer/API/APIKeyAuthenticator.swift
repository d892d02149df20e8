import CrierStore
import Hummingbird

/// Resolves `Authorization: Bearer <key>` to the key's venue (401 otherwise) and refuses changes
/// made with a read-only key (403). A key only ever sees its own venue.
struct APIKeyAuthenticator: RouterMiddleware {
    typealias Context = CrierRequestContext
    let store: Store

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw APIError.unauthorized("send an API key: Authorization: Bearer <key>")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw APIError.unauthorized("the Authorization header must be 'Bearer <key>'")
        }
        guard let (key, venue) = try await store.apiKeys.authenticate(String(parts[1]).trimmingCharacters(in: .whitespaces))
        else { throw APIError.unauthorized("the API key is not valid or has been revoked") }
        if key.scope == .read, ![.get, .head].contains(request.method) {
            throw APIError(.forbidden, code: "forbidden", message: "this API key is read-only")
        }
        var context = context
        context.apiKey = key
        context.venue = venue
        return try await next(request, context)
    }
}
