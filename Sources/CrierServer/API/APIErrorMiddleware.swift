import CrierCore
import CrierStore
import Hummingbird
import Logging

/// Turns every failure under `/api/` into the JSON error shape, so integrators never get an empty
/// or HTML error body: domain refusals, Hummingbird's own 404/405/413, and crashes-in-waiting (500,
/// logged with an id the client can quote, with no internals in the body).
struct APIErrorMiddleware: RouterMiddleware {
    typealias Context = CrierRequestContext
    /// Database trouble is logged here once per burst, not once per request.
    let trouble: TroubleLog

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix("/api/") else {
            guard path.hasPrefix("/webhooks/") else { return try await next(request, context) }
            // A provider told 503 retries later; nothing of the request was written.
            do { return try await next(request, context) } catch let error where StoreUnavailable.classify(error) != nil {
                throw Self.unavailable(StoreUnavailable.classify(error)!, trouble: trouble)
            }
        }
        do {
            return try await next(request, context)
        } catch let error where StoreUnavailable.classify(error) != nil {
            throw Self.unavailable(StoreUnavailable.classify(error)!, trouble: trouble)
        } catch let error as APIError {
            throw error
        } catch let error as CrierError {
            throw APIError(error)
        } catch let error as HTTPError {
            throw Self.translate(error.status, message: error.body)
        } catch let error as any HTTPResponseError {
            // Hummingbird's own refusals, e.g. NIOTooManyBytesError (413) from a body over the limit.
            throw Self.translate(error.status, message: nil)
        } catch {
            let id = String(UInt64.random(in: 0...UInt64.max), radix: 36)
            context.logger.error("unhandled error", metadata: ["error_id": "\(id)", "error": "\(String(reflecting: error))"])
            throw APIError(.internalServerError, code: "internal_error", message: "something went wrong on our side (error id \(id))")
        }
    }

    /// 503 with `Retry-After`: the database can't take the request now; it was not carried out.
    static func unavailable(_ error: StoreUnavailable, trouble: TroubleLog) -> APIError {
        trouble.report("requests refused: \(error.reason.rawValue)", error: error)
        var refusal = APIError(.serviceUnavailable, code: "unavailable", message: "\(error.reason.rawValue); nothing was changed, try again shortly")
        refusal.retryAfter = 5
        return refusal
    }

    static func translate(_ status: HTTPResponse.Status, message: String?) -> APIError {
        switch status {
        case .notFound: return APIError(.notFound, code: "not_found", message: "no such route")
        case .methodNotAllowed: return APIError(.methodNotAllowed, code: "method_not_allowed", message: "method not allowed here")
        case .contentTooLarge:
            return APIError(.contentTooLarge, code: "body_too_large", message: "request body is larger than \(JSONBody.maxSize / 1024) KiB")
        default:
            return APIError(status, code: "http_\(status.code)", message: message ?? status.reasonPhrase)
        }
    }
}
