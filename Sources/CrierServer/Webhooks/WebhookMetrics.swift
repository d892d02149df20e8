import CrierPluginKit
import Prometheus

/// What providers' webhooks brought, for `/metrics`: each request's outcome
/// (`crier_webhooks_total{provider,kind,outcome}`) and the keywords people texted
/// (`crier_keywords_total{provider,keyword}`: opt_out, opt_in, help; redeliveries not counted).
struct WebhookMetrics: Sendable {
    /// How a webhook request ended.
    enum Outcome: String {
        /// An inbound text stored (or a part of one kept), or a delivery report applied.
        case stored
        /// The provider delivered it before: nothing done again.
        case duplicate
        /// A delivery report for a message Crier does not know.
        case unknownMessage = "unknown_message"
        case refusedSignature = "refused_signature"
        case malformed
        /// No venue uses the number.
        case unknownNumber = "unknown_number"
    }

    private let requests: CounterFamily
    private let keywords: CounterFamily

    init(registry: PrometheusCollectorRegistry) {
        requests = CounterFamily(registry, name: "webhooks", help: "Provider webhook requests, by provider, kind and outcome",
                                 labels: ["provider", "kind", "outcome"])
        keywords = CounterFamily(registry, name: "keywords", help: "STOP, START and HELP texts received, by provider and keyword",
                                 labels: ["provider", "keyword"])
    }

    func count(_ provider: String, _ kind: WebhookKind, _ outcome: Outcome) {
        requests.increment(provider, kind.rawValue, outcome.rawValue)
    }

    func keyword(_ provider: String, _ keyword: Keyword) {
        keywords.increment(provider, keyword.rawValue)
    }
}
