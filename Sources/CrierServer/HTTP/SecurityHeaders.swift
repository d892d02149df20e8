import HTTPTypes
import Hummingbird

/// Headers every answer carries, errors included: no MIME sniffing, no full URL (with its ids and
/// setup tokens) in the Referer sent to other sites, HSTS once the server is reached over https,
/// and `no-store` on API answers so no proxy or browser cache keeps customers' data.
struct SecurityHeaders: RouterMiddleware {
    typealias Context = CrierRequestContext
    /// The URL people reach Crier at; an `https://` one means HSTS (as does a proxy's `X-Forwarded-Proto: https`).
    let publicURL: String?

    /// A year: what browsers' preload lists ask for, and long enough to matter between visits.
    static let hsts = "max-age=31536000; includeSubDomains"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            // Unmatched routes and errors no inner middleware answered still get the headers.
            response = try error.response(from: request, context: context)
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicy] = "same-origin"
        if Self.servedOverHTTPS(request, publicURL: publicURL) { response.headers[.strictTransportSecurity] = Self.hsts }
        if request.uri.path.hasPrefix("/api/") { response.headers[.cacheControl] = "no-store" }
        return response
    }

    /// Whether the browser reached us over https: the public URL says so, or the proxy in front does.
    static func servedOverHTTPS(_ request: Request, publicURL: String?) -> Bool {
        publicURL?.lowercased().hasPrefix("https://") == true || request.headers[.xForwardedProto]?.lowercased() == "https"
    }
}

extension HTTPField.Name {
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
    static let strictTransportSecurity = Self("Strict-Transport-Security")!
    static let xForwardedProto = Self("X-Forwarded-Proto")!
}
