import Hummingbird
import Prometheus

/// Counts requests and records their durations per route template into the server's own
/// Prometheus registry (no process-global metrics system, so tests can run many servers).
struct RequestMetrics: RouterMiddleware {
    typealias Context = CrierRequestContext
    let registry: PrometheusCollectorRegistry

    static let buckets: [Duration] = [.milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
                                      .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
                                      .milliseconds(500), .seconds(1), .seconds(5)]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var status = 500
        defer {
            let route = context.endpointPath ?? "unmatched"
            let labels = [("method", request.method.rawValue), ("route", route), ("status", String(status))]
            registry.makeCounter(
                descriptor: .init(namespace: "crier", metricName: "http_requests", unitName: "total", helpText: "HTTP requests answered"),
                labels: labels
            ).increment()
            registry.makeDurationHistogram(
                descriptor: .init(namespace: "crier", metricName: "http_request_duration", unitName: "seconds",
                                  helpText: "Time to answer HTTP requests"),
                labels: [("method", request.method.rawValue), ("route", route)], buckets: Self.buckets
            ).record(ContinuousClock.now - start)
        }
        do {
            let response = try await next(request, context)
            status = response.status.code
            return response
        } catch let error as any HTTPResponseError {
            status = error.status.code
            throw error
        }
    }
}
