import HTTPTypes
import Hummingbird
import NIOCore

/// After a 413 the rest of the body is not read: the connection's input is shut and the answer
/// says `Connection: close`, so a client pushing a huge upload is stopped instead of being drained
/// to the end (Hummingbird otherwise reads and discards the remainder to reuse the connection).
struct OversizedBodies: RouterMiddleware {
    typealias Context = CrierRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            response = try error.response(from: request, context: context)
        }
        guard response.status == .contentTooLarge else { return response }
        response.headers[.connection] = "close"
        // Shut reading only: the answer is still written, then Hummingbird closes the connection.
        context.channel?.close(mode: .input, promise: nil)
        return response
    }
}
