import CrierCore
import CrierPluginKit
import CrierServer
import CrierStore
import CrierTestSupport
import Foundation
import Logging
import Prometheus
import Testing

/// Each provider call is counted by kind of text, provider and outcome, and timed, in the
/// registry `/metrics` emits; each scheduler pass is timed.
struct DispatchMetricsTests {
    @Test(arguments: TestEngines.all)
    func providerCallsAreCountedByKindProviderAndOutcome(engine: EngineKind) async throws {
        try await DispatcherTests.run(engine) { s in
            _ = try await s.book(days: 10)
            let registry = PrometheusCollectorRegistry()
            let provider = ScriptedProvider([.retryable(code: "20429", detail: "slow down")])
            var settings = Dispatcher.Settings()
            settings.backoff = 1
            let dispatcher = try Dispatcher(store: s.store, providers: [provider], settings: settings, publicURL: nil,
                                            logger: Logger(label: "t"), registry: registry)
            try await dispatcher.runUntilIdle()
            s.clock.advance(by: 5)
            try await dispatcher.runUntilIdle()
            let text = String(decoding: registry.emitToBuffer(), as: UTF8.self)
            let lines = text.split(separator: "\n").map(String.init)
            #expect(lines.contains(#"crier_messages_total{kind="confirmation",provider="console",outcome="retryable"} 1"#), "\(text)")
            #expect(lines.contains(#"crier_messages_total{kind="confirmation",provider="console",outcome="accepted"} 1"#), "\(text)")
            #expect(lines.contains(#"crier_provider_call_duration_seconds_count{provider="console"} 2"#), "\(text)")
            // Two passes, each timed whatever it sent.
            #expect(lines.contains("crier_scheduler_pass_duration_seconds_count 2"), "\(text)")
        }
    }
}
