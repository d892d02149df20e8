import CrierPluginKit
import Prometheus
import Synchronization

/// What the dispatcher's provider calls did, for `/metrics`: each call's outcome by kind of text
/// and provider (`crier_messages_total`), and how long the provider took to answer
/// (`crier_provider_call_duration_seconds`), and how long each scheduler pass took, from
/// settling lost outcomes to the last batch sent (`crier_scheduler_pass_duration_seconds`).
/// Series are made once each and reused.
final class DispatchMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    private let calls: CounterFamily
    private let durations = Mutex<[String: DurationHistogram]>([:])
    private let passes: DurationHistogram

    static let buckets: [Duration] = [.milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
                                      .seconds(1), .seconds(2), .seconds(5), .seconds(10), .seconds(15)]

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        calls = CounterFamily(registry, name: "messages", help: "Provider calls for outbound texts, by kind of text, provider and outcome",
                              labels: ["kind", "provider", "outcome"])
        passes = registry.makeDurationHistogram(
            descriptor: .init(namespace: "crier", metricName: "scheduler_pass_duration", unitName: "seconds",
                              helpText: "How long one scheduler pass took: settling lost outcomes, claiming and sending what was due"),
            buckets: [.milliseconds(1), .milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(500),
                      .seconds(1), .seconds(5), .seconds(15), .seconds(60)])
    }

    func recordPass(took: Duration) { passes.record(took) }

    /// The outcome's name as a label: one per kind of `SendOutcome`.
    static func label(_ outcome: SendOutcome) -> String {
        switch outcome {
        case .accepted: "accepted"
        case .retryable: "retryable"
        case .permanent: "permanent"
        case .optedOut: "opted_out"
        case .unknown: "unknown"
        }
    }

    func record(kind: String, provider: String, outcome: SendOutcome, took: Duration) {
        calls.increment(kind, provider, Self.label(outcome))
        let histogram = durations.withLock { known in
            if let found = known[provider] { return found }
            let made = registry.makeDurationHistogram(
                descriptor: .init(namespace: "crier", metricName: "provider_call_duration", unitName: "seconds",
                                  helpText: "How long providers took to answer a send"),
                labels: [("provider", provider)], buckets: Self.buckets)
            known[provider] = made
            return made
        }
        histogram.record(took)
    }
}
