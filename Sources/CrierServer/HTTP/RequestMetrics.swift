import Hummingbird
import Prometheus
import Synchronization

/// Counts requests and records their durations per route template into the server's own
/// Prometheus registry (no process-global metrics system, so tests can run many servers).
struct RequestMetrics: RouterMiddleware {
    typealias Context = CrierRequestContext
    /// Each route's counter and histogram, looked up once: the registry builds and hashes every
    /// label and takes its lock on each lookup, which cost a fifth of a small request's time.
    private let series: Series

    init(registry: PrometheusCollectorRegistry) {
        series = Series(registry: registry)
    }

    static let buckets: [Duration] = [.milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
                                      .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
                                      .milliseconds(500), .seconds(1), .seconds(5)]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var status = 500
        defer {
            let (requests, durations) = series.for(method: request.method.rawValue, route: context.endpointPath ?? "unmatched", status: status)
            requests.increment()
            durations.record(ContinuousClock.now - start)
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

    /// The metrics of each method, route and status seen so far.
    final class Series: Sendable {
        struct Key: Hashable {
            var method: String
            var route: String
            var status: Int
        }

        let registry: PrometheusCollectorRegistry
        private let known = Mutex<[Key: (Counter, DurationHistogram)]>([:])

        init(registry: PrometheusCollectorRegistry) { self.registry = registry }

        func `for`(method: String, route: String, status: Int) -> (Counter, DurationHistogram) {
            let key = Key(method: method, route: route, status: status)
            if let found = known.withLock({ $0[key] }) { return found }
            let made = (
                registry.makeCounter(
                    descriptor: .init(namespace: "crier", metricName: "http_requests", unitName: "total", helpText: "HTTP requests answered"),
                    labels: [("method", method), ("route", route), ("status", String(status))]),
                registry.makeDurationHistogram(
                    descriptor: .init(namespace: "crier", metricName: "http_request_duration", unitName: "seconds",
                                      helpText: "Time to answer HTTP requests"),
                    labels: [("method", method), ("route", route)], buckets: RequestMetrics.buckets))
            known.withLock { $0[key] = made }
            return made
        }
    }
}
