import CrierCore
import CrierStore
import Hummingbird

/// Failures on the web form's pages become an HTML page a person can read (the API's JSON shape
/// is for integrators): not found, not allowed, an expired form, or our own fault with an id.
struct WebErrorMiddleware: RouterMiddleware {
    typealias Context = CrierRequestContext
    let pages: WebPages
    let trouble: TroubleLog

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.path.hasPrefix("/api/") || request.uri.path.hasPrefix("/webhooks/") { return try await next(request, context) }
        do {
            return try await next(request, context)
        } catch let error where StoreUnavailable.classify(error) != nil {
            let unavailable = StoreUnavailable.classify(error)!
            trouble.report("pages refused: \(unavailable.reason.rawValue)", error: unavailable)
            var response = page(.serviceUnavailable, "Try again in a moment",
                                "Crier can't save or read right now (\(unavailable.reason.rawValue)). Nothing was changed.", context)
            response.headers[.retryAfter] = "5"
            return response
        } catch let error as CrierError {
            switch error {
            case .notFound(let what): return page(.notFound, "Not found", "That \(what) doesn't exist, or isn't in this venue.", context)
            case .forbidden(let message): return page(.forbidden, "Not allowed", message, context)
            case .invalid: return page(.unprocessableContent, "That didn't work", error.message, context)
            case .conflict: return page(.conflict, "That didn't work", error.message, context)
            }
        } catch let error as any HTTPResponseError {
            switch error.status {
            case .notFound: return page(.notFound, "Not found", "There is no page at this address.", context)
            case .contentTooLarge: return page(.contentTooLarge, "Too much", "That form was larger than Crier accepts.", context)
            default: return page(error.status, error.status.reasonPhrase, "The request could not be handled.", context)
            }
        } catch {
            let id = String(UInt64.random(in: 0...UInt64.max), radix: 36)
            context.logger.error("unhandled error", metadata: ["error_id": "\(id)", "error": "\(String(reflecting: error))"])
            return page(.internalServerError, "Something went wrong", "Something went wrong on our side (error id \(id)).", context)
        }
    }

    func page(_ status: HTTPResponse.Status, _ heading: String, _ message: String, _ context: Context) -> Response {
        pages.render("error", ErrorPage(heading: heading, message: message),
                     chrome: WebPages.Chrome(session: context.staff, venue: context.venue, csrfToken: context.staff?.csrfToken ?? ""),
                     status: status)
    }
}

/// What went wrong, said to staff.
struct ErrorPage: Encodable { var heading, message: String }
