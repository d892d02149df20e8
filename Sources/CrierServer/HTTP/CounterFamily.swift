import Prometheus
import Synchronization

/// One Prometheus counter name with its label values' series made once each and reused: the
/// registry builds and hashes the labels and takes its lock on every lookup.
final class CounterFamily: Sendable {
    let registry: PrometheusCollectorRegistry
    let name: String
    let help: String
    let labels: [String]
    private let series = Mutex<[[String]: Counter]>([:])

    /// `name` without the `crier_` namespace or the `_total` unit: `messages` is `crier_messages_total`.
    init(_ registry: PrometheusCollectorRegistry, name: String, help: String, labels: [String]) {
        self.registry = registry
        self.name = name
        self.help = help
        self.labels = labels
    }

    /// Adds one to the series with these label values (in the order of `labels`).
    func increment(_ values: String...) {
        let counter = series.withLock { known in
            if let found = known[values] { return found }
            let made = registry.makeCounter(
                descriptor: .init(namespace: "crier", metricName: name, unitName: "total", helpText: help),
                labels: Array(zip(labels, values)))
            known[values] = made
            return made
        }
        counter.increment()
    }
}
