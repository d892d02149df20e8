import HTTPTypes
import Hummingbird
import Logging

/// One line per request at info (method, route, status, duration, request id), and the request's
/// id in `X-Request-Id`: the caller's own, when it sent a sensible one (a proxy's or a load
/// balancer's, so one id follows the request through every log), else a new one. The id is also
/// in the metadata of everything logged while the request is handled.
struct AccessLog: RouterMiddleware {
    typealias Context = CrierRequestContext
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let id = request.headers[.xRequestID].flatMap(Self.acceptable) ?? Self.newID()
        var context = context
        context.logger[metadataKey: "request_id"] = "\(id)"
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            // Errors no inner middleware answered are logged with their status and carry the id too.
            response = try error.response(from: request, context: context)
        } catch {
            log(request, context, status: 500, since: start, id: id)
            throw error
        }
        response.headers[.xRequestID] = id
        log(request, context, status: response.status.code, since: start, id: id)
        return response
    }

    private func log(_ request: Request, _ context: Context, status: Int, since start: ContinuousClock.Instant, id: String) {
        guard logger.logLevel <= .info else { return }
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        // The route's template (`/api/v1/customers/{id}`), never the path: ids and tokens stay out of the log.
        let route = context.endpointPath ?? "unmatched"
        logger.info("\(request.method.rawValue) \(route) \(status)", metadata: [
            "method": "\(request.method.rawValue)", "route": "\(route)", "status": "\(status)",
            "duration_ms": "\((milliseconds * 10).rounded() / 10)", "request_id": "\(id)",
        ])
    }

    /// A caller's id is kept if it is 1 to 128 characters of letters, digits and `-_.:`; anything
    /// else (spaces, quotes, control characters) could forge log lines and is replaced.
    static func acceptable(_ id: String) -> String? {
        guard (1...128).contains(id.utf8.count),
              id.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || "-_.:".utf8.contains($0) })
        else { return nil }
        return id
    }

    /// 16 random hex digits.
    static func newID() -> String {
        let value = UInt64.random(in: .min ... .max)
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

extension HTTPField.Name {
    static let xRequestID = Self("X-Request-Id")!
}
