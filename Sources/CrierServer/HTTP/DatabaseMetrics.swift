import CrierStore
import Prometheus

/// How long database calls take and how they fail, for `/metrics`:
/// `crier_database_call_duration_seconds{database,call}` (a histogram: `core` or `plugins`,
/// `read` or `transaction`, connection and writer waits included) and
/// `crier_database_errors_total{database,call,reason}`.
public final class DatabaseMetrics: DatabaseCallObserver {
    private let durations: [String: DurationHistogram]
    private let errors: CounterFamily

    static let buckets: [Duration] = [.milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
                                      .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
                                      .seconds(1), .seconds(2.5), .seconds(5)]

    public init(registry: PrometheusCollectorRegistry) {
        var made: [String: DurationHistogram] = [:]
        // Every series up front, so a dashboard sees zeros rather than gaps before the first call.
        for database in DatabaseRole.allCases {
            for call in DatabaseCall.allCases {
                made[Self.key(database, call)] = registry.makeDurationHistogram(
                    descriptor: .init(namespace: "crier", metricName: "database_call_duration", unitName: "seconds",
                                      helpText: "How long database reads and transactions took, waits for a connection or the writer included"),
                    labels: [("database", database.rawValue), ("call", call.rawValue)], buckets: Self.buckets)
            }
        }
        durations = made
        errors = CounterFamily(registry, name: "database_errors", help: "Database reads and transactions that failed, by reason",
                               labels: ["database", "call", "reason"])
    }

    private static func key(_ database: DatabaseRole, _ call: DatabaseCall) -> String { "\(database.rawValue)/\(call.rawValue)" }

    public func finished(_ call: DatabaseCall, database: DatabaseRole, engine: EngineKind, took: Duration, failure: DatabaseFailure?) {
        durations[Self.key(database, call)]?.record(took)
        if let failure { errors.increment(database.rawValue, call.rawValue, failure.rawValue) }
    }
}
